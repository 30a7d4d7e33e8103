/**
 * The string formats kube-openapi checks for CRDs (strfmt's default registry, the
 * common ones). Unknown formats pass, as upstream strips unsupported formats.
 */
import { isIP } from 'node:net';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

/** Returns false when `value` is known not to match `format`. */
export function checkFormat(format: string, value: string): boolean {
  switch (format) {
    case 'date-time':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')));
    case 'date':
      return DATE.test(value) && !Number.isNaN(Date.parse(value));
    case 'uuid':
      return UUID.test(value);
    case 'byte':
      return BASE64.test(value);
    case 'ipv4':
      return isIP(value) === 4;
    case 'ipv6':
      return isIP(value) === 6;
    case 'cidr': {
      const slash = value.indexOf('/');
      if (slash < 0) return false;
      const ip = isIP(value.slice(0, slash));
      const bits = Number(value.slice(slash + 1));
      return ip !== 0 && Number.isInteger(bits) && bits >= 0 && bits <= (ip === 4 ? 32 : 128);
    }
    case 'hostname':
      return HOSTNAME.test(value);
    case 'mac':
      return MAC.test(value);
    default:
      return true;
  }
}
