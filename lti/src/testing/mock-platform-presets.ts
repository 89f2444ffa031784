/**
 * Canvas- and Moodle-shaped users and claims for the mock platform, as described in
 * shared/reference/lti.md (role sets, Moodle's short `CourseSection` context type, Canvas's
 * `system/person#User` on everyone, Moodle roster short names).
 */
import { LTI } from '../claims.ts';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

export type Flavor = 'canvas' | 'moodle';

export interface MockUser {
  sub: string;
  roles: string[];
  /** Roles as the roster service (NRPS) lists them. */
  rosterRoles: string[];
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** Moodle answers 400 to scores for non-gradable users (teachers). */
  gradable: boolean;
}

const user = (
  sub: string,
  roles: string[],
  rosterRoles: string[],
  gradable: boolean,
  name?: string,
): MockUser => ({
  sub,
  roles,
  rosterRoles,
  gradable,
  name,
  givenName: name?.split(' ')[0],
  familyName: name?.split(' ').slice(1).join(' ') || undefined,
  email: name ? `${sub}@example.edu` : undefined,
});

export const CANVAS_USERS = {
  teacher: user(
    'canvas-teacher-1',
    [`${LIS}institution/person#Instructor`, `${LIS}membership#Instructor`, `${LIS}system/person#User`],
    [`${LIS}membership#Instructor`],
    false,
    'Ada Teacher',
  ),
  ta: user(
    'canvas-ta-1',
    [
      `${LIS}membership/Instructor#TeachingAssistant`,
      `${LIS}membership#Instructor`,
      `${LIS}system/person#User`,
    ],
    [`${LIS}membership/Instructor#TeachingAssistant`],
    false,
    'Tom Assistant',
  ),
  student: user(
    'canvas-student-1',
    [`${LIS}institution/person#Student`, `${LIS}membership#Learner`, `${LIS}system/person#User`],
    [`${LIS}membership#Learner`],
    true,
    'Sam Student',
  ),
  /** Canvas withholds name and email when the tool's privacy level is anonymous. */
  anonymousStudent: user(
    'canvas-student-2',
    [`${LIS}institution/person#Instructor`, `${LIS}membership#Learner`, `${LIS}system/person#User`],
    [`${LIS}membership#Learner`],
    true,
  ),
  designer: user(
    'canvas-designer-1',
    [`${LIS}membership#ContentDeveloper`, `${LIS}system/person#User`],
    [`${LIS}membership#ContentDeveloper`],
    false,
    'Dee Designer',
  ),
  observer: user(
    'canvas-observer-1',
    [`${LIS}membership#Mentor`, `${LIS}system/person#User`],
    [`${LIS}membership#Mentor`],
    false,
    'Olly Observer',
  ),
  testStudent: user(
    'canvas-test-student',
    [
      'http://purl.imsglobal.org/vocab/lti/system/person#TestUser',
      `${LIS}membership#Learner`,
      `${LIS}system/person#User`,
    ],
    [`${LIS}membership#Learner`],
    true,
    'Test Student',
  ),
  siteAdmin: user(
    'canvas-siteadmin-1',
    [`${LIS}system/person#SysAdmin`, `${LIS}system/person#User`],
    [],
    false,
    'Site Admin',
  ),
  nobody: user(
    'canvas-nobody-1',
    [`${LIS}institution/person#Instructor`, `${LIS}system/person#User`],
    [],
    false,
    'No Role',
  ),
} satisfies Record<string, MockUser>;

export const MOODLE_USERS = {
  teacher: user('2', [`${LIS}membership#Instructor`], ['Instructor'], false, 'Mia Teacher'),
  /** Moodle launches a non-editing teacher as Instructor but lists them as Learner in the roster. */
  nonEditingTeacher: user('3', [`${LIS}membership#Instructor`], ['Learner'], false, 'Ned Noneditor'),
  student: user('4', [`${LIS}membership#Learner`], ['Learner'], true, 'Stu Dent'),
  student2: user('5', [`${LIS}membership#Learner`], ['Learner'], true, 'Sue Dent'),
  siteAdmin: user(
    '1',
    [
      `${LIS}institution/person#Administrator`,
      `${LIS}membership#Instructor`,
      `${LIS}system/person#Administrator`,
    ],
    ['Instructor'],
    false,
    'Admin User',
  ),
} satisfies Record<string, MockUser>;

export interface ClaimContext {
  flavor: Flavor;
  issuer: string;
  origin: string;
  clientId: string;
  deploymentId: string;
  contextId: string;
  resourceLinkId: string;
  messageType: string;
  targetLinkUri: string;
  nonce: string;
  nowS: number;
}

/** The id_token claims a platform of this flavor sends for this user. */
export function presetClaims(u: MockUser, c: ClaimContext): Record<string, unknown> {
  const lifetime = c.flavor === 'moodle' ? 60 : 3600;
  const claims: Record<string, unknown> = {
    iss: c.issuer,
    aud: c.flavor === 'moodle' ? c.clientId : [c.clientId],
    azp: c.clientId,
    sub: u.sub,
    iat: c.nowS,
    exp: c.nowS + lifetime,
    nonce: c.nonce,
    [LTI.version]: '1.3.0',
    [LTI.messageType]: c.messageType,
    [LTI.deploymentId]: c.deploymentId,
    [LTI.targetLinkUri]: c.targetLinkUri,
    [LTI.roles]: u.roles,
    [LTI.context]:
      c.flavor === 'moodle'
        ? { id: c.contextId, label: 'PHY101', title: 'Physics 101', type: ['CourseSection'] }
        : {
            id: c.contextId,
            label: 'BIO-1',
            title: 'Biology',
            type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
          },
    [LTI.toolPlatform]:
      c.flavor === 'moodle'
        ? {
            guid: 'moodle.example',
            product_family_code: 'moodle',
            version: '2023100900',
            name: 'Mock Moodle',
          }
        : { guid: 'canvas-guid', product_family_code: 'canvas', version: 'cloud', name: 'Mock Canvas' },
    [LTI.launchPresentation]: { document_target: 'iframe', locale: 'en', return_url: `${c.origin}/return` },
    [LTI.custom]: c.flavor === 'canvas' ? { canvas_course_id: c.contextId } : {},
    [LTI.nrps]: {
      context_memberships_url: `${c.origin}/nrps/${c.contextId}/memberships`,
      service_versions: ['2.0'],
    },
    [LTI.ags]: {
      scope: [
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
        'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      ],
      ...lineItemUrls(c.flavor, c.origin, c.contextId),
    },
  };
  if (u.name)
    Object.assign(claims, {
      name: u.name,
      given_name: u.givenName,
      family_name: u.familyName,
      email: u.email,
    });
  if (c.messageType === 'LtiResourceLinkRequest') {
    claims[LTI.resourceLink] = { id: c.resourceLinkId, title: 'Lecture polls' };
  } else {
    claims[LTI.deepLinkingSettings] = {
      deep_link_return_url: `${c.origin}/deep_link_return`,
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_multiple: c.flavor === 'canvas',
      auto_create: true,
      data: `opaque-${c.contextId}`,
    };
  }
  return claims;
}

/** Canvas: plain REST paths. Moodle: every line-item URL carries `?type_id=1`. */
export function lineItemUrls(flavor: Flavor, origin: string, contextId: string) {
  return flavor === 'moodle'
    ? { lineitems: `${origin}/mod/lti/services.php/${contextId}/lineitems?type_id=1` }
    : { lineitems: `${origin}/api/lti/courses/${contextId}/line_items` };
}
