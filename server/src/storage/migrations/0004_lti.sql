-- LTI 1.3 integration (issue 6): what the launch, deep linking, roster and grade services keep.

-- A login in flight keeps what the launch checks need: the platform it was started for, the hash of
-- the browser binding (browser_binding), and the original parameters (to restart it in a new window).
ALTER TABLE lti_login_states ADD COLUMN issuer text NOT NULL DEFAULT '';
ALTER TABLE lti_login_states ADD COLUMN client_id text NOT NULL DEFAULT '';
ALTER TABLE lti_login_states ADD COLUMN login_params jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX lti_login_states_nonce ON lti_login_states (nonce);

-- When a tool key last changed status (rotation refuses to promote a next key younger than a day).
ALTER TABLE lti_keys ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now();

-- One LMS placement (resource link) -> the session it opens, with the service endpoints its launches
-- carried (AGS line item(s), NRPS memberships), refreshed at every launch.
CREATE TABLE lti_resource_links (
  platform_id uuid NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,
  resource_link_id text NOT NULL,
  session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  course_id uuid REFERENCES courses(id) ON DELETE SET NULL,
  deployment_id text NOT NULL,
  title text NOT NULL DEFAULT '',
  lineitems_url text,
  lineitem_url text,
  ags_scopes jsonb NOT NULL DEFAULT '[]'::jsonb,
  nrps_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform_id, resource_link_id)
);
CREATE INDEX lti_resource_links_session ON lti_resource_links (session_id);

-- Grade passback per session and user: the last score computed and what the LMS answered.
CREATE TABLE lti_grade_syncs (
  session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  score_given double precision NOT NULL,
  score_maximum double precision NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'not_gradable', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, user_id)
);
