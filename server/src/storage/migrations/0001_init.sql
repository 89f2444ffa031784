-- Handsup data model (ARCHITECTURE.md). One file set serves PGlite and PostgreSQL.

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text,
  display_name text NOT NULL DEFAULT '',
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (email) WHERE email IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE credentials (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  failed_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lti_platforms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  issuer text NOT NULL,
  client_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  auth_url text NOT NULL,
  token_url text NOT NULL,
  jwks_url text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'disabled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer, client_id)
);

CREATE TABLE lti_deployments (
  platform_id uuid NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,
  deployment_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform_id, deployment_id)
);

CREATE TABLE lti_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  private_key_enc text NOT NULL,
  status text NOT NULL CHECK (status IN ('next', 'active', 'retired')),
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  retired_at timestamptz
);

CREATE TABLE lti_login_states (
  state text PRIMARY KEY,
  nonce text NOT NULL,
  platform_id uuid NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,
  browser_binding text,
  target_link_uri text,
  storage_target text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX lti_login_states_expires ON lti_login_states (expires_at);

CREATE TABLE lti_identities (
  platform_id uuid NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,
  sub text NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (platform_id, sub)
);

CREATE TABLE courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL,
  owner_id uuid REFERENCES users(id) ON DELETE SET NULL,
  lti_platform_id uuid REFERENCES lti_platforms(id) ON DELETE SET NULL,
  lti_context_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  deleted_at timestamptz
);
CREATE UNIQUE INDEX courses_lti_context_key ON courses (lti_platform_id, lti_context_id) WHERE lti_context_id IS NOT NULL;

CREATE TABLE course_members (
  course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('teacher', 'co_teacher', 'student')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (course_id, user_id)
);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid REFERENCES users(id) ON DELETE SET NULL,
  course_id uuid REFERENCES courses(id) ON DELETE SET NULL,
  lti_platform_id uuid REFERENCES lti_platforms(id) ON DELETE SET NULL,
  lti_resource_link_id text,
  title text NOT NULL,
  join_code text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'idle' CHECK (status IN ('live', 'idle', 'archived')),
  state_version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  deleted_at timestamptz
);
CREATE UNIQUE INDEX sessions_join_code_key ON sessions (join_code) WHERE status <> 'archived';
CREATE UNIQUE INDEX sessions_lti_link_key ON sessions (lti_platform_id, lti_resource_link_id) WHERE lti_resource_link_id IS NOT NULL;
CREATE INDEX sessions_owner ON sessions (owner_id);
CREATE INDEX sessions_course ON sessions (course_id);

-- Co-teachers of a session (course co-teachers live in course_members).
CREATE TABLE session_members (
  session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('co_teacher')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, user_id)
);

-- An invitation for an email that has no account yet; honoured when that account appears.
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  course_id uuid REFERENCES courses(id) ON DELETE CASCADE,
  session_id uuid REFERENCES sessions(id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'co_teacher',
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  accepted_at timestamptz,
  CHECK (course_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE INDEX invitations_email ON invitations (email) WHERE accepted_at IS NULL;

CREATE TABLE participants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  display_name text NOT NULL DEFAULT '',
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  kicked_at timestamptz
);
CREATE INDEX participants_session ON participants (session_id);
CREATE UNIQUE INDEX participants_session_user_key ON participants (session_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE polls (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  position integer NOT NULL,
  type text NOT NULL CHECK (type IN ('single_choice', 'multiple_choice', 'true_false', 'rating', 'numeric', 'word_cloud', 'open_text')),
  prompt text NOT NULL,
  content jsonb NOT NULL DEFAULT '{}'::jsonb,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  round integer NOT NULL DEFAULT 1,
  opened_at timestamptz,
  closes_at timestamptz,
  closed_at timestamptz,
  results_released boolean NOT NULL DEFAULT false,
  correct_released boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
-- Exactly one open poll per session, held by the database.
CREATE UNIQUE INDEX polls_one_open_per_session ON polls (session_id) WHERE status = 'open';
CREATE INDEX polls_session_position ON polls (session_id, position);
CREATE INDEX polls_due ON polls (closes_at) WHERE status = 'open' AND closes_at IS NOT NULL;

CREATE TABLE responses (
  id bigserial PRIMARY KEY,
  poll_id uuid NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
  round integer NOT NULL,
  participant_id uuid NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  value jsonb NOT NULL,
  client_msg_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (poll_id, round, participant_id)
);

CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  replaced_by uuid
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid,
  actor_role text,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);

-- The audit log is append-only: the database refuses changes, not just the application.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
