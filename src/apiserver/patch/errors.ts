/**
 * The two error shapes patch application produces upstream (see
 * apiserver/pkg/endpoints/handlers/patch.go): malformed patch bodies are 400 BadRequest
 * with the decoder's text; patches that decode but cannot be applied are
 * `NewGenericServerResponse(422, …)`, whose message is the fixed client-go text (the
 * underlying reason is not sent), with an empty `details`.
 */
import { BadRequest, StatusError } from '../../api/errors.js';

export class PatchApplyError extends StatusError {
  /** Why the patch failed, for logs; upstream does not put it on the wire. */
  readonly detail: string;
  constructor(detail: string) {
    super(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    this.detail = detail;
  }
}

export function badPatch(message: string): BadRequest {
  return new BadRequest(message);
}
