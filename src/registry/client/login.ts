/**
 * docker login (POST /auth): proves the credentials against the registry's
 * /v2/ endpoint through the same challenge handling as pull and push (moby
 * registry/auth.go loginV2). Nothing is stored: the docker CLI keeps the
 * credentials in its own config.json and sends them with every later
 * request as X-Registry-Auth.
 *
 *   registry answers /v2/ 200 without auth     → "Login Succeeded"
 *   Basic challenge, /v2/ with Basic → 200     → "Login Succeeded"
 *   Bearer challenge, token fetched with Basic → "Login Succeeded"
 *   otherwise UnauthorizedError with Docker's text:
 *   "login attempt to http://127.0.0.1:5001/v2/ failed with status: 401 Unauthorized"
 */
import { UnauthorizedError } from "../../errors/index.js";
import type { Credentials } from "./credentials.js";
import type { RegistryClient } from "./registry-client.js";
import { registryError, statusLine } from "./registry-errors.js";
import { domainOfServerAddress } from "./registry-host.js";

export interface LoginResult {
  status: "Login Succeeded";
  /** An OAuth refresh token when the registry issues one; berth does not ask for one. */
  identityToken: string;
}

export async function loginToRegistry(client: RegistryClient, creds: Credentials, signal?: AbortSignal): Promise<LoginResult> {
  const domain = domainOfServerAddress(creds.serverAddress ?? "");
  const transport = client.transport(domain, creds, []);
  const first = await transport.ping(signal);
  if (first === 200) return { status: "Login Succeeded", identityToken: "" };
  const url = transport.url("/v2/");
  let res: Response;
  try {
    res = await transport.request({ method: "GET", path: "/v2/", signal });
  } catch (e) {
    // A refused token request carries the token server's own words ("incorrect username or password"); keep them.
    if (e instanceof UnauthorizedError && transport.challengeScheme !== "bearer") {
      throw new UnauthorizedError(`login attempt to ${url} failed with status: ${statusLine(401)}`, { cause: e });
    }
    throw e;
  }
  const text = await res.text().catch(() => "");
  if (res.status === 200) return { status: "Login Succeeded", identityToken: "" };
  if (res.status === 401) throw new UnauthorizedError(`login attempt to ${url} failed with status: ${statusLine(401)}`);
  throw registryError(res.status, text, `login attempt to ${url} failed with status: ${statusLine(res.status)}`);
}
