-- 003_comments.sql: a comment on every column 001 left without one, so
-- \d+ documents the whole schema (001 has landed and is not edited).
-- Idempotent: COMMENT ON just replaces the text.

comment on column social_care.schema_migrations.version is
    'The migration''s file name without .sql, e.g. 002_events_partitioned';
comment on column social_care.schema_migrations.applied_at is
    'When scripts/migrate.sh applied it';

comment on column social_care.replies.id is
    'The reply''s id';
comment on column social_care.replies.event_id is
    'events.id of the event answered (no foreign key since events is '
    'partitioned: deleting events deletes their replies, see events_forget)';
comment on column social_care.replies.text is
    'The reply''s text (empty for a human reply recorded by mark_responded '
    'without its text)';
comment on column social_care.replies.visibility is
    'public (a reply anyone can read) or private (a direct message)';
comment on column social_care.replies.created_at is
    'When the reply was written; for a human reply the response time ends here';
comment on column social_care.replies.sent_at is
    'When the platform accepted it';
comment on column social_care.replies.platform_reply_id is
    'The platform''s id of the reply once sent';

comment on column social_care.jobs.id is
    'The job''s id';
comment on column social_care.jobs.event_id is
    'events.id of the event concerned, if any (no foreign key since events '
    'is partitioned: deleting events deletes their jobs)';
comment on column social_care.jobs.reply_id is
    'replies.id of the reply to deliver (deliver_reply)';
comment on column social_care.jobs.status is
    'queued (waiting for run_at), running (claimed), done, dead (gave up)';
comment on column social_care.jobs.run_at is
    'Not before this time (retries back off by moving it)';
comment on column social_care.jobs.attempts is
    'Runs so far';
comment on column social_care.jobs.locked_by is
    'Which worker claimed it';
comment on column social_care.jobs.last_error is
    'Why the last run failed';
comment on column social_care.jobs.created_at is
    'When it was queued';

comment on column social_care.escalations.id is
    'The escalation''s id';
comment on column social_care.escalations.event_id is
    'events.id of the event escalated (no foreign key since events is '
    'partitioned: deleting events deletes their escalations)';
comment on column social_care.escalations.level is
    'How far up: 1 the team lead, higher levels further; one row per level';
comment on column social_care.escalations.reason is
    'Why: e.g. SLA breached, crisis topic, influencer';
comment on column social_care.escalations.target is
    'To whom: a person, a team, a channel';
comment on column social_care.escalations.created_at is
    'When it was escalated';
comment on column social_care.escalations.notified_at is
    'When the target was notified';
