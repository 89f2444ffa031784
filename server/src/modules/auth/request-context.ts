/** "From where" for audit entries: the client address (through trusted proxies) and the request id. */
import { requestFacts } from '../../http/context.ts';

export const requestContext = (request: Request): { ip: string; requestId: string } => {
  const f = requestFacts(request);
  return { ip: f.clientAddress, requestId: f.requestId };
};
