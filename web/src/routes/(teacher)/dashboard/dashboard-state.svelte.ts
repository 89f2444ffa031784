/**
 * The dashboard's data and actions: courses and sessions (newest first, as the API returns them),
 * a title search, and the create / rename / duplicate / archive / delete-with-undo actions. The page
 * only renders; every call and its error handling lives here.
 */
import {
  ApiError,
  archiveSession,
  type CourseView,
  createCourse,
  createSession,
  deleteSession,
  duplicateSession,
  listCourses,
  listSessions,
  renameCourse,
  restoreSession,
  type SessionView,
  updateSession,
} from '#lib/api/index.ts';

export class DashboardState {
  sessions: SessionView[] = $state([]);
  courses: CourseView[] = $state([]);
  query = $state('');
  loading = $state(true);
  error = $state('');
  /** Polite status line ("Session duplicated."); the undo offer when something was deleted. */
  notice = $state('');
  undo: { label: string; run: () => Promise<void> } | null = $state(null);
  #searchTimer: ReturnType<typeof setTimeout> | null = null;

  async load(): Promise<void> {
    this.loading = true;
    try {
      const [s, c] = await Promise.all([
        listSessions(this.query.trim() || undefined),
        listCourses().catch(() => []),
      ]);
      this.sessions = s.sessions;
      this.courses = c;
      this.error = '';
    } catch (e) {
      this.error = message(e);
    } finally {
      this.loading = false;
    }
  }

  /** Search as the teacher types, without a request per keystroke. */
  search(q: string): void {
    this.query = q;
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => void this.load(), 250);
  }

  async create(title: string, courseId?: string): Promise<SessionView | null> {
    return this.#act(async () => {
      const s = await createSession(title, courseId || undefined);
      this.sessions = [s, ...this.sessions];
      this.notice = `Session “${s.title}” created.`;
      return s;
    });
  }

  rename(id: string, title: string) {
    return this.#act(async () => {
      const s = await updateSession(id, { title });
      this.#replace(s);
      this.notice = 'Session renamed.';
    });
  }

  duplicate(id: string) {
    return this.#act(async () => {
      const s = await duplicateSession(id);
      this.sessions = [s, ...this.sessions];
      this.notice = `Copied as “${s.title}”.`;
    });
  }

  archive(id: string) {
    return this.#act(async () => {
      this.#replace(await archiveSession(id));
      this.notice = 'Session archived (read-only).';
    });
  }

  remove(id: string) {
    return this.#act(async () => {
      const gone = this.sessions.find((s) => s.id === id);
      await deleteSession(id);
      this.sessions = this.sessions.filter((s) => s.id !== id);
      this.notice = `Session “${gone?.title ?? ''}” deleted.`;
      this.undo = {
        label: 'Undo delete',
        run: async () => {
          const back = await restoreSession(id);
          this.sessions = [back, ...this.sessions].sort((a, b) => b.createdAt - a.createdAt);
          this.notice = 'Session restored.';
          this.undo = null;
        },
      };
    });
  }

  addCourse(title: string) {
    return this.#act(async () => {
      const c = await createCourse(title);
      this.courses = [c, ...this.courses];
      this.notice = `Course “${c.title}” created.`;
    });
  }

  renameCourse(id: string, title: string) {
    return this.#act(async () => {
      const c = await renameCourse(id, title);
      this.courses = this.courses.map((x) => (x.id === id ? c : x));
      this.notice = 'Course renamed.';
    });
  }

  #replace(s: SessionView) {
    this.sessions = this.sessions.map((x) => (x.id === s.id ? s : x));
  }

  async #act<T>(fn: () => Promise<T>): Promise<T | null> {
    this.error = '';
    try {
      return await fn();
    } catch (e) {
      this.error = message(e);
      return null;
    }
  }
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong. Try again.');
