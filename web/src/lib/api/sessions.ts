/** Courses and sessions (teacher side), typed from @handsup/protocol/rest. */
import type { CourseView, SessionSettings, SessionView } from '@handsup/protocol/rest';
import { api } from './http.ts';

export type { CourseView, SessionSettings, SessionView };
export interface ParticipantView {
  id: string;
  displayName: string;
  identified: boolean;
}

const base = '/api/sessions';

export const listSessions = (q?: string, trash = false) =>
  api<{ sessions: SessionView[]; nextCursor: string | null }>('GET', base, {
    query: { q, trash: trash ? 'true' : undefined, limit: '100' },
  });
export const getSession = (id: string) => api<SessionView>('GET', `${base}/${id}`);
export const createSession = (title: string, courseId?: string, settings?: Partial<SessionSettings>) =>
  api<SessionView>('POST', base, {
    body: { title, ...(courseId ? { courseId } : {}), ...(settings ? { settings } : {}) },
  });
export const updateSession = (id: string, body: { title?: string; settings?: Partial<SessionSettings> }) =>
  api<SessionView>('PATCH', `${base}/${id}`, { body });
export const duplicateSession = (id: string) => api<SessionView>('POST', `${base}/${id}/duplicate`);
export const archiveSession = (id: string) => api<SessionView>('POST', `${base}/${id}/archive`);
export const deleteSession = (id: string) => api<SessionView>('DELETE', `${base}/${id}`);
export const restoreSession = (id: string) => api<SessionView>('POST', `${base}/${id}/restore`);
export const startSession = (id: string) => api<SessionView>('POST', `${base}/${id}/start`);
export const stopSession = (id: string) => api<SessionView>('POST', `${base}/${id}/stop`);
export const participants = (id: string) => api<ParticipantView[]>('GET', `${base}/${id}/participants`);

export const listCourses = () =>
  api<CourseView[] | { courses: CourseView[] }>('GET', '/api/courses').then((r) =>
    Array.isArray(r) ? r : r.courses,
  );
export const createCourse = (title: string) => api<CourseView>('POST', '/api/courses', { body: { title } });
export const renameCourse = (id: string, title: string) =>
  api<CourseView>('PATCH', `/api/courses/${id}`, { body: { title } });
