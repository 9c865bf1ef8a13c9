"""Writes of the training app, by topic: ``programmes`` (研修事業, sessions, materials,
numbering), ``applications`` (受講申込 and the approval route), ``decisions`` (受講決定,
lottery, waitlist, direct enrolment), ``participation`` (出欠, 修了, アンケート) and
``notifications`` (お知らせ). Every function is keyword-only, atomic and audited."""
