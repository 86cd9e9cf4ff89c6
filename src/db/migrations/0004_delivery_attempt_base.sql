-- An operator's resend or recovery gives a delivery a fresh retry schedule without losing its history:
-- `attempts` keeps counting (attempt numbers stay unique in delivery_attempt), while the retry policy
-- counts only the attempts after `attempt_base`.
alter table delivery add column attempt_base integer not null default 0;
