/* The editors' workspace around Decap CMS: its configuration (made by the server from the schema),
   previews in the portal's style, the status bar (who is signed in, the last publish) and the
   Word/text import. ES2017, classic script. */
(function () {
  'use strict';
  var KINDS = [['speeches', '领导讲话'], ['cases', '案例通报'], ['regulations', '党纪法规']];

  function chineseDate(value) {
    var text = dateText(value);
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
    return m ? Number(m[1]) + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (r.status === 401) { window.location.href = '/login'; throw new Error('401'); }
      return r.json();
    });
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  // 2026年12月6日, 2026-12-06, 2026.12.6, 2026/12/6 or 20261206 as 2026-12-06; null when it is no real date.
  function parseDate(text) {
    var t = String(text || '').replace(/\s+/g, '');
    var m = /^(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})日?$/.exec(t) || /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    if (!m) { return null; }
    var y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    var date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) { return null; }
    return y + '-' + pad(mo) + '-' + pad(d);
  }

  // A field's value as text: Decap hands a date read from YAML over as a Date (at midnight UTC).
  function dateText(value) {
    if (value instanceof Date) { return isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10); }
    return value == null ? '' : String(value);
  }

  // The portal's date field: typed and shown as 2026年12月6日, kept as 2026-12-06 in the file, no time zone.
  function dateWidget() {
    var h = window.h;
    var Control = window.createClass({
      getInitialState: function () { return { text: chineseDate(dateText(this.props.value)), editing: false }; },
      componentDidUpdate: function (previous) {
        var now = dateText(this.props.value);
        if (!this.state.editing && dateText(previous.value) !== now && (parseDate(this.state.text) || this.state.text) !== now) {
          this.setState({ text: chineseDate(now) });
        }
      },
      isValid: function () {
        var text = String(this.state.text || '').trim();
        return !text || parseDate(text) ? true : { error: { message: '日期应写成 2026年12月6日 或 2026-12-06，且是真实存在的日期' } };
      },
      changed: function (event) {
        var text = event.target.value;
        this.setState({ text: text });
        this.props.onChange(parseDate(text) || text.trim());
      },
      today: function () {
        var now = new Date();
        var value = now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate());
        this.setState({ text: chineseDate(value) });
        this.props.onChange(value);
      },
      render: function () {
        var self = this;
        return h('div', { className: this.props.classNameWrapper + ' ql-date' },
          h('input', {
            id: this.props.forID, type: 'text', inputMode: 'numeric', value: this.state.text, placeholder: '如 2026年12月6日',
            'aria-describedby': this.props.forID + '-format', onChange: this.changed,
            onFocus: function () { self.setState({ editing: true }); if (self.props.setActiveStyle) { self.props.setActiveStyle(); } },
            onBlur: function () {
              var value = parseDate(self.state.text);
              self.setState({ editing: false, text: value ? chineseDate(value) : self.state.text });
              if (self.props.setInactiveStyle) { self.props.setInactiveStyle(); }
            }
          }),
          h('button', { type: 'button', className: 'ql-date__today', onClick: this.today }, '今天'),
          h('span', { id: this.props.forID + '-format', className: 'ql-date__format' }, '可写 2026年12月6日 或 2026-12-06'));
      }
    });
    var Preview = window.createClass({ render: function () { return h('span', {}, chineseDate(dateText(this.props.value))); } });
    return [Control, Preview];
  }

  // The body as the site renders it (the workspace's /admin/render: CommonMark, CJK-friendly, the
  // portal's allow-list), asked for a moment after the editor stops typing.
  var BodyPreview = null;
  function bodyPreview() {
    if (BodyPreview) { return BodyPreview; }
    var h = window.h;
    BodyPreview = window.createClass({
      getInitialState: function () { return { html: '', problems: [], asked: null }; },
      componentDidMount: function () { this.ask(); },
      componentDidUpdate: function () { this.ask(); },
      componentWillUnmount: function () { clearTimeout(this.timer); this.gone = true; },
      ask: function () {
        var markdown = this.props.markdown || '';
        if (markdown === this.state.asked || markdown === this.pending) { return; }
        this.pending = markdown;
        clearTimeout(this.timer);
        var self = this;
        this.timer = setTimeout(function () {
          fetch('/admin/render', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ markdown: markdown }) })
            .then(function (r) { return r.json(); })
            .then(function (result) {
              if (self.gone || self.pending !== markdown) { return; }
              self.setState({ html: result.html || '', problems: result.problems || (result.error ? [result.error] : []), asked: markdown });
            })
            .catch(function () { if (!self.gone) { self.setState({ problems: ['预览暂时无法生成，请稍后再试。'], asked: markdown }); } });
        }, 250);
      },
      render: function () {
        if (this.state.problems.length) {
          return h('div', { className: 'ql-preview__problems', role: 'alert' }, this.state.problems.map(function (p, i) { return h('p', { key: i }, p); }));
        }
        return h('div', { className: 'ql-preview__body', dangerouslySetInnerHTML: { __html: this.state.html } });
      }
    });
    return BodyPreview;
  }

  function previewTemplate(collection) {
    var h = window.h;
    return window.createClass({
      render: function () {
        var entry = this.props.entry;
        var get = function (k) { var v = entry.getIn(['data', k]); return v && v.toJS ? v.toJS() : v; };
        var facts = [];
        function fact(label, value) { if (value) { facts.push(h('div', { key: label }, h('dt', {}, label), h('dd', {}, value))); } }
        var regulation = collection === 'regulations';
        fact(regulation ? '通过日期' : '发布日期', chineseDate(get(regulation ? 'adopted' : 'date')));
        fact(regulation ? '制定机关' : '发文单位', get(regulation ? 'issuer' : 'unit'));
        fact('文号', get('doc_number'));
        if (collection === 'speeches') { fact('讲话人', get('speaker')); fact('会议', get('occasion')); }
        if (collection === 'cases') { fact('违反纪律', get('discipline')); fact('处理结果', get('outcome')); }
        if (collection === 'plans') { fact('计划年度', get('year') ? get('year') + '年' : ''); }
        if (regulation) { fact('施行日期', chineseDate(get('effective'))); fact('效力', get('status') || '现行有效'); }
        var topics = get('topics') || [];
        var lessons = collection === 'cases' ? (get('lessons') || []) : [];
        return h('article', { className: 'md-typeset ql-preview' },
          get('draft') ? h('p', { className: 'ql-withheld' }, '草稿：不会发布') : null,
          h('h1', {}, get('title') || '（无标题）'),
          h('div', { className: 'ql-doc-meta' },
            h('dl', { className: 'ql-doc-meta__facts' }, facts),
            topics.length ? h('p', { className: 'ql-doc-meta__topics' }, h('span', { className: 'ql-doc-meta__label' }, '专题：'),
              topics.map(function (t) { return h('span', { className: 'ql-tag', key: t }, t); })) : null,
            get('summary') ? h('p', { className: 'ql-doc-meta__summary' }, get('summary')) : null,
            lessons.length ? h('div', { className: 'ql-lessons', role: 'note' }, h('p', { className: 'ql-lessons__title' }, '警示要点'),
              h('ol', {}, lessons.map(function (l, i) { return h('li', { key: i }, l); }))) : null),
          h(bodyPreview(), { markdown: get('body') }));
      }
    });
  }

  // What the server says about a save that the CMS does not show: an approved entry back in review.
  window.qinglianNotice = function (message) {
    var notice = document.getElementById('ql-notice');
    if (!notice) {
      notice = el('div', { id: 'ql-notice', 'class': 'ql-notice', role: 'alert' }, []);
      document.body.appendChild(notice);
    }
    notice.textContent = '';
    var close = el('button', { type: 'button' }, ['知道了']);
    // Reloading shows the entry's status as the server now has it (the save is already committed).
    close.addEventListener('click', function () { window.location.reload(); });
    notice.appendChild(el('p', {}, [message]));
    notice.appendChild(close);
  };

  function showBar(status) {
    var bar = document.getElementById('ql-bar');
    bar.textContent = '';
    bar.appendChild(el('span', {}, ['当前用户：' + status.user + '（' + status.role + '）']));
    bar.appendChild(el('span', {}, [status.review ? '发布前须经审核签发' : '保存即进入下次发布']));
    var publish = status.publish;
    if (!publish) {
      bar.appendChild(el('span', {}, ['网站尚无发布记录']));
    } else if (publish.ok) {
      bar.appendChild(el('span', {}, ['网站最近一次发布：' + publish.when + '，成功']));
    } else {
      var details = el('details', {}, [el('summary', { 'class': 'ql-bar__publish--failed' }, ['网站最近一次发布（' + publish.when + '）失败，点此查看原因']),
        el('pre', {}, [publish.messages.join('\n')])]);
      bar.appendChild(details);
    }
    var importButton = el('button', { type: 'button' }, ['导入 Word 或文本文件']);
    importButton.addEventListener('click', function () { openImport(status.units); });
    bar.appendChild(importButton);
    var changes = el('button', { type: 'button', id: 'ql-changes-button' }, ['查看送审的改动']);
    watchEntry(changes);
    bar.appendChild(changes);
    var logout = el('form', { method: 'post', action: '/logout', style: 'display:inline' }, [el('button', { type: 'submit' }, ['退出登录'])]);
    bar.appendChild(logout);
  }

  // The entry under review against the published version, field by field and paragraph by paragraph.
  function openChanges(collection, slug) {
    var body = el('div', { 'class': 'ql-changes' }, [el('p', {}, ['正在读取……'])]);
    var close = el('button', { type: 'button', 'class': 'ql-dialog__cancel' }, ['关闭']);
    var form = el('form', { 'aria-labelledby': 'ql-changes-title', 'class': 'ql-dialog__wide' }, [
      el('h2', { id: 'ql-changes-title' }, ['与已发布版本相比的改动']), body, el('p', {}, [close])]);
    var dialog = el('div', { 'class': 'ql-dialog', role: 'dialog', 'aria-modal': 'true' }, [form]);
    close.addEventListener('click', function () { dialog.remove(); });
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    document.body.appendChild(dialog);
    close.focus();
    fetch('/api/v1', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'qinglianEntryChanges', params: { collection: collection, slug: slug } }) })
      .then(function (r) { return r.json(); }).then(function (result) {
        body.textContent = '';
        if (result.error) { body.appendChild(el('p', { role: 'alert' }, [result.error])); return; }
        var statusNames = { draft: '草稿', pending_review: '待审核', pending_publish: '待签发' };
        body.appendChild(el('p', {}, ['作者：' + (result.authors.join('、') || '未知') + '；状态：' + (statusNames[result.status] || result.status) +
          (result.approved ? '（已审核通过这一版）' : '')]));
        result.files.forEach(function (file) {
          body.appendChild(el('h3', {}, [file.path + (file.new ? '（新文档）' : '')]));
          if (!file.changes.length) { body.appendChild(el('p', {}, ['没有改动。'])); return; }
          var rows = file.changes.map(function (c) {
            return el('tr', {}, [el('th', { scope: 'row' }, [c.what]), el('td', { 'class': 'ql-changes__before' }, [c.before || '（无）']),
              el('td', { 'class': 'ql-changes__after' }, [c.after || '（删去）'])]);
          });
          body.appendChild(el('table', {}, [el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, ['位置']),
            el('th', { scope: 'col' }, ['已发布的版本']), el('th', { scope: 'col' }, ['送审的版本'])])]), el('tbody', {}, rows)]));
        });
      }).catch(function () { body.textContent = '无法读取改动，请稍后重试。'; });
  }

  // A button in the status bar while an entry is open; the server says whether it is under review.
  function watchEntry(button) {
    function update() {
      var m = /^#\/collections\/([a-z]+)\/entries\/([a-z0-9-]+)/.exec(window.location.hash);
      button.hidden = !m;
      button.onclick = m ? function () { openChanges(m[1], m[2]); } : null;
    }
    window.addEventListener('hashchange', update);
    update();
  }

  // What the import recognised, for the editor to check before the entry is made (every value can still be
  // corrected in the form that follows).
  function showRecognised(form, result, proceed, cancel) {
    var p = result.prefill;
    var rows = [['标题', p.title], ['文号', p.doc_number], ['日期', chineseDate(p.date)], ['发文单位', p.unit], ['发文范围', p.distribution], ['网址名', p.slug]];
    form.textContent = '';
    form.appendChild(el('h2', { id: 'ql-import-title' }, ['导入的结果：请核对']));
    form.appendChild(el('table', { 'class': 'ql-recognised' }, [el('tbody', {}, rows.map(function (row) {
      return el('tr', {}, [el('th', { scope: 'row' }, [row[0]]), el('td', {}, [row[1] ? String(row[1]) : '（没有识别出，请在表单中填写）'])]);
    }))]));
    if (result.notices && result.notices.length) {
      form.appendChild(el('p', {}, ['没有放进正文的内容：']));
      form.appendChild(el('ul', { 'class': 'ql-recognised__removed' }, result.notices.map(function (n) { return el('li', {}, [n]); })));
    }
    var go = el('button', { type: 'button' }, ['用这些内容新建（可在表单中修改）']);
    var back = el('button', { type: 'button', 'class': 'ql-dialog__cancel' }, ['取消']);
    go.addEventListener('click', proceed);
    back.addEventListener('click', cancel);
    form.appendChild(el('p', {}, [go, back]));
    go.focus();
  }

  function openImport(units) {
    var kind = el('select', { id: 'ql-import-kind', name: 'kind' }, KINDS.map(function (k) { return el('option', { value: k[0] }, [k[1]]); }));
    var unit = el('select', { id: 'ql-import-unit', name: 'unit' }, [el('option', { value: '' }, ['（稍后在表单中选择）'])].concat(
      units.map(function (u) { return el('option', { value: u }, [u]); })));
    var file = el('input', { id: 'ql-import-file', name: 'file', type: 'file', accept: '.docx,.doc,.wps,.txt', required: 'required' });
    var message = el('p', { 'class': 'ql-dialog__message', role: 'alert' });
    var cancel = el('button', { type: 'button', 'class': 'ql-dialog__cancel' }, ['取消']);
    var form = el('form', { 'aria-labelledby': 'ql-import-title' }, [
      el('h2', { id: 'ql-import-title' }, ['导入 Word（.docx、.doc）、WPS（.wps）或文本（.txt）文件']),
      el('label', { 'for': 'ql-import-kind' }, ['文档类型']), kind,
      el('label', { 'for': 'ql-import-unit' }, ['发文单位']), unit,
      el('label', { 'for': 'ql-import-file' }, ['文件（文本文件可为 UTF-8 或 GB18030 编码）']), file,
      message, el('p', {}, [el('button', { type: 'submit' }, ['导入']), cancel])]);
    var dialog = el('div', { 'class': 'ql-dialog', role: 'dialog', 'aria-modal': 'true' }, [form]);
    cancel.addEventListener('click', function () { dialog.remove(); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var chosen = file.files[0];
      if (!chosen) { message.textContent = '请选择文件。'; return; }
      message.textContent = '正在导入……';
      var query = 'kind=' + encodeURIComponent(kind.value) + '&unit=' + encodeURIComponent(unit.value) + '&name=' + encodeURIComponent(chosen.name);
      chosen.arrayBuffer().then(function (data) {
        return fetch('/admin/import?' + query, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/octet-stream' }, body: data });
      }).then(function (r) { return r.json(); }).then(function (result) {
        if (result.error) { message.textContent = result.error; return; }
        showRecognised(form, result, function () {
          var params = new URLSearchParams();
          Object.keys(result.prefill).forEach(function (k) { params.append(k, result.prefill[k]); });
          dialog.remove();
          window.location.hash = '#/collections/' + result.collection + '/new?' + params.toString();
        }, function () { dialog.remove(); });
      }).catch(function () { message.textContent = '导入失败：无法连接工作台，请稍后重试。'; });
    });
    document.body.appendChild(dialog);
    kind.focus();
  }

  // Decap's Chinese phrases, completed where its zh_Hans leaves English, and worded as the portal's docs
  // and messages are: 草稿 → 待审核 → 待签发 → 已发布, and 签发 for merging into the site.
  var PHRASES = {
    auth: { loginWithForgejo: '使用 Forgejo 登录' },
    collection: { collectionTop: { viewAsList: '列表视图', viewAsGrid: '网格视图' }, entries: { unpublishedHeader: '未签发的文档' } },
    editor: {
      editor: {
        onPublishingNotReady: '请先由审核人把状态改为“待签发”，再签发。',
        onPublishing: '确定签发这篇文档吗？签发后当晚发布到网站。',
        onPublishingWithUnsavedChanges: '有尚未保存的修改，请先保存再签发。',
        onDeleteUnpublishedChanges: '这篇文档所有未签发的修改都将撤回，确定吗？',
        onDeleteUnpublishedChangesWithUnsavedChanges: '这篇文档所有未签发的修改以及尚未保存的修改都将撤回，确定吗？'
      },
      editorControl: { field: { widgetLabel: '输入框' } },
      editorControlPane: { widget: { rangeMin: '%{fieldLabel}至少应有 %{minCount} 项。', rangeMax: '%{fieldLabel}最多 %{maxCount} 项。' } },
      editorInterface: { toggleNotes: '显示或隐藏批注' },
      editorNotesPane: {
        title: '批注', emptyState: '还没有批注。', addNote: '添加批注', addPlaceholder: '写一条批注……', editPlaceholder: '修改批注……',
        save: '保存', cancel: '取消', edit: '修改', delete: '删除', resolve: '标为已解决', unresolve: '标为未解决',
        confirmDelete: '确定删除这条批注吗？', shortcut: '提示：按 Ctrl+Enter 可快速添加'
      },
      editorToolbar: {
        status: '状态：%{status}', draft: '草稿', inReview: '待审核', ready: '待签发',
        publish: '签发', publishNow: '立即签发', publishing: '正在签发……', published: '已发布',
        publishAndCreateNew: '签发，然后新建', publishAndDuplicate: '签发，然后复制',
        deleteUnpublishedChanges: '撤回未签发的修改', deleteUnpublishedEntry: '撤回这篇未签发的文档',
        statusInfoTooltipDraft: '这篇文档是草稿。写完后把状态改为“待审核”，请审核人审阅。',
        statusInfoTooltipInReview: '这篇文档正在等待审核。审核期间仍可修改，但修改后须重新审核。'
      },
      editorWidgets: {
        markdown: { strikethrough: '删除线', toggleMode: { rich: '切换到富文本', markdown: '切换到 Markdown' } },
        image: { chooseMultiple: '选择图片', addMore: '添加更多图片', removeAll: '移除全部图片' },
        file: { chooseMultiple: '选择文件', addMore: '添加更多文件', removeAll: '移除全部文件' },
        datetime: { setToNow: '设为今天' },
        list: { add: '新增%{item}', addType: '新增%{item}' },
        object: { expand: '展开', collapse: '折叠' }
      }
    },
    mediaLibrary: { mediaLibraryModal: { close: '关闭' } },
    ui: {
      settingsDropdown: { account: '账户选项' },
      errorBoundary: { reportIt: '请把这条信息报告给管理员' },
      toast: {
        entryPublished: '已签发', onFailToPublishEntry: '签发失败：%{details}', onFailToUpdateStatus: '没有改变状态：%{details}',
        entryUpdated: '状态已更新', onDeleteUnpublishedChanges: '未签发的修改已撤回',
        noteAdded: '已添加批注', onFailToAddNote: '没有添加批注：%{details}', noteUpdated: '已修改批注',
        onFailToUpdateNote: '没有修改批注：%{details}', noteDeleted: '已删除批注', onFailToDeleteNote: '没有删除批注：%{details}',
        noteResolved: '批注已解决', noteReopened: '批注已重新打开', onFailToToggleNote: '没有改变批注状态：%{details}'
      }
    },
    workflow: {
      workflow: { newPost: '新建文档', description: '%{smart_count} 篇待审核，%{readyCount} 篇待签发' },
      workflowList: {
        draftHeader: '草稿', inReviewHeader: '待审核', readyHeader: '待签发',
        onPublishingNotReadyEntry: '只有“待签发”一列中的文档才能签发：请审核人先把它移到“待签发”。',
        onPublishEntry: '确定签发这篇文档吗？签发后当晚发布到网站。'
      },
      workflowCard: { publishChanges: '签发修改', publishNewEntry: '签发新文档', deleteChanges: '撤回修改', deleteNewEntry: '撤回新文档' }
    }
  };

  function merged(base, extra) {
    var result = {};
    Object.keys(base || {}).forEach(function (k) { result[k] = base[k]; });
    Object.keys(extra).forEach(function (k) {
      var v = extra[k];
      result[k] = v && typeof v === 'object' ? merged(result[k] && typeof result[k] === 'object' ? result[k] : {}, v) : v;
    });
    return result;
  }

  // What Decap's parts write in English whatever the locale: react-select's "Remove …" labels, the workflow
  // cards' dates ("December 6") and the "API_ERROR:" prefix of a refused save, rewritten as they appear.
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  var ENGLISH_DATE = new RegExp('\\b(' + MONTHS.join('|') + ') (\\d{1,2})(?:, (\\d{4}))?\\b', 'g');
  function inChinese(text) {
    return text.replace(/API_ERROR:\s*/g, '').replace(ENGLISH_DATE, function (all, month, day, year) {
      return (year ? year + '年' : '') + (MONTHS.indexOf(month) + 1) + '月' + Number(day) + '日';
    });
  }
  function rewrite(node) {
    if (node.nodeType === 3) {
      var text = inChinese(node.nodeValue);
      if (text !== node.nodeValue) { node.nodeValue = text; }
      return;
    }
    if (node.nodeType !== 1 || node.id === 'ql-bar') { return; }
    var label = node.getAttribute('aria-label');
    if (label && label.indexOf('Remove ') === 0) { node.setAttribute('aria-label', '删除 ' + label.slice(7)); }
    for (var child = node.firstChild; child; child = child.nextSibling) { rewrite(child); }
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === 'characterData') { rewrite(change.target); }
      else if (change.type === 'attributes') { rewrite(change.target); }
      else { [].forEach.call(change.addedNodes, rewrite); }
    });
  }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-label'] });

  // Moving from one entry's form straight to another's (address bar, back button) left the first entry's data
  // in the second form. The page starts afresh then, so a form always shows the entry its address names
  // (Decap asks first when there are unsaved changes, as for leaving the page).
  var ENTRY_FORM = /^#\/collections\/([^/]+)\/(entries\/[^/?]+|new)/;
  var lastForm = (ENTRY_FORM.exec(window.location.hash) || [''])[0];
  window.addEventListener('hashchange', function () {
    var form = (ENTRY_FORM.exec(window.location.hash) || [''])[0];
    var afterFirstSave = /\/new$/.test(lastForm) && form === window.qinglianSaved;
    if (lastForm && form && form !== lastForm && !afterFirstSave) { window.location.reload(); return; }
    lastForm = form;
  });

  // Signed in already (the workspace's own sign-in); Decap's proxy backend then skips its login button.
  try { window.localStorage.setItem('decap-cms-user', JSON.stringify({ backendName: 'proxy' })); } catch (e) { /* private mode */ }
  getJSON('/admin/config.json').then(function (config) {
    var phrases = merged(window.CMS.getLocale('zh_Hans'), PHRASES);
    if (config.publish_mode !== 'editorial_workflow') {
      // Without review a save is published as it is: the button says 发布, not 签发.
      phrases = merged(phrases, { editor: { editorToolbar: { publish: '发布', publishNow: '立即发布', publishing: '正在发布……' } },
        ui: { toast: { entryPublished: '已发布', onFailToPublishEntry: '发布失败：%{details}' } } });
    }
    window.CMS.registerLocale('zh_Hans', phrases);
    var date = dateWidget();
    window.CMS.registerWidget('qinglian-date', date[0], date[1]);
    window.CMS.registerPreviewStyle('/admin/portal.css');
    config.collections.forEach(function (c) { window.CMS.registerPreviewTemplate(c.name, previewTemplate(c.name)); });
    window.CMS.init({ config: config });
  });
  getJSON('/admin/status.json').then(showBar);
})();
