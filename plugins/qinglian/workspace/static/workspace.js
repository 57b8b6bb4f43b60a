/* The editors' workspace around Decap CMS: its configuration (made by the server from the schema),
   previews in the portal's style, the status bar (who is signed in, the last publish) and the
   Word/text import. ES2017, classic script. */
(function () {
  'use strict';
  var KINDS = [['speeches', '领导讲话'], ['cases', '案例通报'], ['regulations', '党纪法规']];

  function chineseDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value || ''));
    return m ? Number(m[1]) + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : String(value || '');
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
        var statusNames = { draft: '草稿', pending_review: '待审核', pending_publish: '待发布' };
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

  function openImport(units) {
    var kind = el('select', { id: 'ql-import-kind', name: 'kind' }, KINDS.map(function (k) { return el('option', { value: k[0] }, [k[1]]); }));
    var unit = el('select', { id: 'ql-import-unit', name: 'unit' }, [el('option', { value: '' }, ['（稍后在表单中选择）'])].concat(
      units.map(function (u) { return el('option', { value: u }, [u]); })));
    var file = el('input', { id: 'ql-import-file', name: 'file', type: 'file', accept: '.docx,.txt', required: 'required' });
    var message = el('p', { 'class': 'ql-dialog__message', role: 'alert' });
    var cancel = el('button', { type: 'button', 'class': 'ql-dialog__cancel' }, ['取消']);
    var form = el('form', { 'aria-labelledby': 'ql-import-title' }, [
      el('h2', { id: 'ql-import-title' }, ['导入 Word（.docx）或文本（.txt）文件']),
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
        var params = new URLSearchParams();
        Object.keys(result.prefill).forEach(function (k) { params.append(k, result.prefill[k]); });
        dialog.remove();
        window.location.hash = '#/collections/' + result.collection + '/new?' + params.toString();
      }).catch(function () { message.textContent = '导入失败：无法连接工作台，请稍后重试。'; });
    });
    document.body.appendChild(dialog);
    kind.focus();
  }

  // Signed in already (the workspace's own sign-in); Decap's proxy backend then skips its login button.
  try { window.localStorage.setItem('decap-cms-user', JSON.stringify({ backendName: 'proxy' })); } catch (e) { /* private mode */ }
  getJSON('/admin/config.json').then(function (config) {
    window.CMS.registerPreviewStyle('/admin/portal.css');
    config.collections.forEach(function (c) { window.CMS.registerPreviewTemplate(c.name, previewTemplate(c.name)); });
    window.CMS.init({ config: config });
  });
  getJSON('/admin/status.json').then(showBar);
})();
