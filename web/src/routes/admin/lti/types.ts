/** What `GET /api/lti/platforms` and `GET /lti/config` answer (server/src/modules/lti/model.ts, lti/src/plugin.ts). */
export interface Platform {
  id: string;
  issuer: string;
  clientId: string;
  name: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  status: 'active' | 'pending' | 'disabled';
  deploymentIds: string[];
  createdAt: number;
}

export interface ToolConfig {
  toolName: string;
  loginUrl: string;
  launchUrl: string;
  redirectUris: string[];
  deepLinkingUrl: string;
  jwksUrl: string;
  registrationUrl: string;
  domain: string;
}
