export { SpdySession, SpdyStream } from './session.js';
export { acceptSpdy, isSpdyUpgrade, negotiate, negotiationFailure, offeredProtocols } from './upgrade.js';
