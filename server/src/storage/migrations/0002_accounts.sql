-- Accounts, roles and sessions (issue 3).

-- Server-generated secrets that must survive restarts and be shared by every node: in development,
-- when JWT_SECRETS is unset, the access-token signing key is generated once and kept here.
CREATE TABLE app_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- "Which sessions / courses may this user teach?" is asked on every request.
CREATE INDEX session_members_user ON session_members (user_id);
CREATE INDEX course_members_user ON course_members (user_id);
CREATE INDEX sessions_listing ON sessions (owner_id, created_at DESC);

-- One pending invitation per email and session / course.
CREATE UNIQUE INDEX invitations_pending_session_key ON invitations (email, session_id)
  WHERE accepted_at IS NULL AND session_id IS NOT NULL;
CREATE UNIQUE INDEX invitations_pending_course_key ON invitations (email, course_id)
  WHERE accepted_at IS NULL AND course_id IS NOT NULL;
