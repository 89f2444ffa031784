/**
 * LTI roles claim -> Handsup course role, exactly as in shared/reference/lti.md.
 *
 * Rules: decide from membership (course) roles; compare whole values, never substrings; accept the
 * spec's short names; the `membership/Instructor#` sub-role form is compared case-insensitively (older
 * Canvas sent `membership/instructor#TeachingAssistant`). Institution roles (`institution/person#Instructor`,
 * `#Student`) and `system/person#User` never decide — Canvas adds them for anyone who teaches or studies
 * anywhere in the account. Administrator roles (membership, institution, system, Canvas SysAdmin, Moodle
 * roster `person#Administrator`) make a teacher.
 *
 * Product decisions (documented in the README):
 * - `membership#ContentDeveloper` (Canvas designer) -> **teacher**: designers build the polls.
 * - `membership#Mentor` (Canvas observer) -> **observer**: may open the session read-only (sees what
 *   students see, cannot answer, is never graded). Student and teacher roles win over it.
 * - `system/person#None`, or no course role at all -> **null**: the launch is refused with reason
 *   `no_course_role`, telling the admin which roles were sent.
 */

export type HandsupCourseRole = 'teacher' | 'student' | 'observer';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

const TEACHER_WHOLE = new Set([
  `${LIS}membership#Instructor`,
  `${LIS}membership#Administrator`,
  `${LIS}membership#ContentDeveloper`,
  `${LIS}institution/person#Administrator`,
  `${LIS}system/person#Administrator`,
  `${LIS}system/person#SysAdmin`,
  `${LIS}person#Administrator`,
  'Instructor',
  'TeachingAssistant',
  'Administrator',
  'ContentDeveloper',
]);

const STUDENT_WHOLE = new Set([
  `${LIS}membership#Learner`,
  'Learner',
  'http://purl.imsglobal.org/vocab/lti/system/person#TestUser',
]);

const OBSERVER_WHOLE = new Set([`${LIS}membership#Mentor`, 'Mentor']);

/** Lower-cased prefixes of sub-roles (`…/membership/Instructor#TeachingAssistant`) per decision. */
const TEACHER_SUB_PREFIXES = [`${LIS}membership/instructor#`, `${LIS}membership/contentdeveloper#`];
const STUDENT_SUB_PREFIXES = [`${LIS}membership/learner#`];
const OBSERVER_SUB_PREFIXES = [`${LIS}membership/mentor#`];

function isSubRole(role: string, prefixes: string[]): boolean {
  const lower = role.toLowerCase();
  return prefixes.some((p) => lower.startsWith(p) && lower.length > p.length);
}

/** The decision for one role value, or null when this value never decides. */
export function classifyRole(role: string): HandsupCourseRole | null {
  const r = role.trim();
  if (TEACHER_WHOLE.has(r) || isSubRole(r, TEACHER_SUB_PREFIXES)) return 'teacher';
  if (STUDENT_WHOLE.has(r) || isSubRole(r, STUDENT_SUB_PREFIXES)) return 'student';
  if (OBSERVER_WHOLE.has(r) || isSubRole(r, OBSERVER_SUB_PREFIXES)) return 'observer';
  return null;
}

/**
 * The Handsup course role for an LTI roles claim: teacher beats student beats observer; null when no
 * value decides (the launch is then refused).
 *
 * @example
 *   mapLtiRoles([
 *     'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor',
 *     'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
 *   ]); // 'student'
 */
export function mapLtiRoles(roles: readonly unknown[] | undefined): HandsupCourseRole | null {
  let best: HandsupCourseRole | null = null;
  for (const role of roles ?? []) {
    if (typeof role !== 'string') continue;
    const c = classifyRole(role);
    if (c === 'teacher') return 'teacher';
    if (c === 'student') best = 'student';
    else if (c === 'observer' && best === null) best = 'observer';
  }
  return best;
}
