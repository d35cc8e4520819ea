export function startOidcProvider(options: { redirectUris: string[] }): Promise<{
  issuer: string;
  clientId: string;
  clientSecret: string;
  close: () => Promise<void>;
}>;
