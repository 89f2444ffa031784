/**
 * The mock platform's LTI Advantage service endpoints: NRPS (paginated with Link rel="next") and AGS
 * (line items, scores). Canvas-shaped URLs are plain paths; Moodle-shaped ones carry `?type_id=1` and
 * scores for teachers are answered 400, as real Moodle does.
 */
import { MEDIA_TYPES, SCOPES } from '../claims.ts';
import type { MockPlatform } from './mock-platform.ts';

const CANVAS_LINE_ITEMS = /^\/api\/lti\/courses\/([^/]+)\/line_items(?:\/([^/]+)(\/scores)?)?$/;
const MOODLE_LINE_ITEMS =
  /^\/mod\/lti\/services\.php\/([^/]+)\/lineitems(?:\/([^/]+)\/lineitem(\/scores)?)?$/;

export async function handleService(
  p: MockPlatform,
  req: Request,
  tokens: Map<string, string>,
  pageSize: number,
): Promise<Response> {
  const url = new URL(req.url);
  p.recorded.serviceCalls.push({
    method: req.method,
    url: req.url,
    userAgent: req.headers.get('user-agent'),
    accept: req.headers.get('accept'),
  });
  const scope = tokens.get(req.headers.get('authorization')?.replace(/^Bearer /, '') ?? '');
  const allowed = (s: string) => scope?.split(' ').includes(s);

  const nrps = url.pathname.match(/^\/nrps\/([^/]+)\/memberships$/);
  if (nrps) {
    if (!allowed(SCOPES.nrps)) return new Response('forbidden', { status: 401 });
    if (req.headers.get('accept') !== MEDIA_TYPES.nrpsMembership)
      return new Response('not acceptable', { status: 406 });
    const page = Number(url.searchParams.get('page') ?? '0');
    const members = p.users.map((u) => ({
      user_id: u.sub,
      roles: u.rosterRoles,
      status: 'Active',
      name: u.name,
      given_name: u.givenName,
      family_name: u.familyName,
      email: u.email,
    }));
    const slice = members.slice(page * pageSize, (page + 1) * pageSize);
    const headers = new Headers({ 'content-type': MEDIA_TYPES.nrpsMembership });
    if ((page + 1) * pageSize < members.length) {
      headers.set('link', `<${p.origin}/nrps/${nrps[1]}/memberships?page=${page + 1}>; rel="next"`);
    }
    return new Response(
      JSON.stringify({ id: req.url, context: { id: nrps[1], label: 'C', title: 'Course' }, members: slice }),
      { headers },
    );
  }

  const m = url.pathname.match(p.flavor === 'moodle' ? MOODLE_LINE_ITEMS : CANVAS_LINE_ITEMS);
  if (!m || (p.flavor === 'moodle' && url.searchParams.get('type_id') !== '1')) {
    return new Response('not found', { status: 404 });
  }
  const [, ctx, itemId, scores] = m;
  const lineItemUrl = (id: string) =>
    p.flavor === 'moodle'
      ? `${p.origin}/mod/lti/services.php/${ctx}/lineitems/${id}/lineitem?type_id=1`
      : `${p.origin}/api/lti/courses/${ctx}/line_items/${id}`;

  if (!itemId) {
    if (req.method === 'GET') {
      if (!allowed(SCOPES.agsLineItem)) return new Response('forbidden', { status: 401 });
      const rid = url.searchParams.get('resource_id');
      const items = [...p.lineItems.values()].filter((i) => !rid || i.resourceId === rid);
      return new Response(JSON.stringify(items), { headers: { 'content-type': MEDIA_TYPES.agsLineItems } });
    }
    if (!allowed(SCOPES.agsLineItem)) return new Response('forbidden', { status: 401 });
    const body = (await req.json()) as Record<string, unknown>;
    const id = String(p.lineItems.size + 1);
    const item = { ...body, id: lineItemUrl(id) };
    p.lineItems.set(id, item);
    return new Response(JSON.stringify(item), {
      status: 201,
      headers: { 'content-type': MEDIA_TYPES.agsLineItem },
    });
  }

  if (!scores) {
    const item = p.lineItems.get(itemId);
    return item ? Response.json(item) : new Response('not found', { status: 404 });
  }
  if (req.method !== 'POST' || !allowed(SCOPES.agsScore)) return new Response('forbidden', { status: 401 });
  if (req.headers.get('content-type') !== MEDIA_TYPES.agsScore)
    return new Response('unsupported', { status: 415 });
  if (!p.lineItems.has(itemId)) return new Response('no such line item', { status: 404 });
  const body = (await req.json()) as Record<string, unknown>;
  const user = p.users.find((u) => u.sub === body.userId);
  const status = !user ? 404 : !user.gradable ? 400 : 200;
  p.recorded.scores.push({ lineItemId: itemId, url: req.url, body, status });
  if (status === 400) return new Response('Incorrect score received: user is not gradable', { status });
  if (status === 404) return new Response('unknown user', { status });
  return new Response(null, { status: p.flavor === 'moodle' ? 200 : 204 });
}
