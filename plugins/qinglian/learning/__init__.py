"""The reader's learning loop, kept in the reader's own browser: 每日一题, 错题本, exams, progress and 学习记录.

The build writes what the browser needs (the daily question pool, question ids, sealed exam keys,
the pages that show a reader's own record); ``assets/learning.js`` keeps the record.
"""
