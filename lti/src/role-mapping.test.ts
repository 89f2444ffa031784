import { describe, expect, test } from 'bun:test';
import { mapLtiRoles } from './role-mapping.ts';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';
const canvasUser = `${LIS}system/person#User`;

const cases: Array<[string, string[], ReturnType<typeof mapLtiRoles>]> = [
  // Canvas
  [
    'Canvas teacher',
    [`${LIS}institution/person#Instructor`, `${LIS}membership#Instructor`, canvasUser],
    'teacher',
  ],
  [
    'Canvas TA (sub-role + Instructor)',
    [`${LIS}membership/Instructor#TeachingAssistant`, `${LIS}membership#Instructor`, canvasUser],
    'teacher',
  ],
  ['Canvas TA sub-role alone', [`${LIS}membership/Instructor#TeachingAssistant`, canvasUser], 'teacher'],
  [
    'older Canvas lower-case instructor sub-role',
    [`${LIS}membership/instructor#TeachingAssistant`],
    'teacher',
  ],
  ['Canvas student', [`${LIS}institution/person#Student`, `${LIS}membership#Learner`, canvasUser], 'student'],
  [
    'Canvas student who teaches elsewhere in the account',
    [`${LIS}institution/person#Instructor`, `${LIS}membership#Learner`, canvasUser],
    'student',
  ],
  [
    'Canvas Student View test user',
    ['http://purl.imsglobal.org/vocab/lti/system/person#TestUser', canvasUser],
    'student',
  ],
  ['Canvas designer', [`${LIS}membership#ContentDeveloper`, canvasUser], 'teacher'],
  ['Canvas observer', [`${LIS}membership#Mentor`, canvasUser], 'observer'],
  [
    'Canvas observer who is also a learner',
    [`${LIS}membership#Mentor`, `${LIS}membership#Learner`],
    'student',
  ],
  ['Canvas account admin', [`${LIS}institution/person#Administrator`, canvasUser], 'teacher'],
  ['Canvas site admin', [`${LIS}system/person#SysAdmin`, canvasUser], 'teacher'],
  ['Canvas user with institution roles only', [`${LIS}institution/person#Instructor`, canvasUser], null],
  ['institution student only', [`${LIS}institution/person#Student`], null],
  // Moodle
  ['Moodle teacher', [`${LIS}membership#Instructor`], 'teacher'],
  ['Moodle non-editing teacher (same as teacher)', [`${LIS}membership#Instructor`], 'teacher'],
  ['Moodle student', [`${LIS}membership#Learner`], 'student'],
  [
    'Moodle site admin',
    [
      `${LIS}institution/person#Administrator`,
      `${LIS}membership#Instructor`,
      `${LIS}system/person#Administrator`,
    ],
    'teacher',
  ],
  ['Moodle roster admin', [`${LIS}person#Administrator`], 'teacher'],
  ['Moodle roster short names: Learner', ['Learner'], 'student'],
  ['short Instructor', ['Instructor'], 'teacher'],
  ['short TeachingAssistant', ['TeachingAssistant'], 'teacher'],
  ['short Administrator', ['Administrator'], 'teacher'],
  ['Learner sub-role', [`${LIS}membership/Learner#NonCreditLearner`], 'student'],
  // Never substrings, never None
  ['system person None', [`${LIS}system/person#None`], null],
  ['no roles', [], null],
  ['substring of Instructor is not Instructor', [`${LIS}membership#InstructorX`], null],
  ['bare sub-role prefix is not a sub-role', [`${LIS}membership/Instructor#`], null],
  ['Instructor inside another URI', [`https://evil.example/${LIS}membership#Instructor`], null],
  ['non-string values are ignored', [42 as unknown as string, `${LIS}membership#Learner`], 'student'],
];

describe('mapLtiRoles', () => {
  for (const [name, roles, expected] of cases) {
    test(`${name} -> ${expected}`, () => {
      expect(mapLtiRoles(roles)).toBe(expected);
    });
  }
});
