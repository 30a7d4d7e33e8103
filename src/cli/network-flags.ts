/** Address-range flags shared by `skiff server` and `skiff controller-manager`. */
import { formatCidr, parseCidr } from '../util/cidr.js';
import { DEFAULT_CLUSTER_CIDR } from '../controllers/nodeipam/controller.js';
import { UsageError } from './main.js';


/** `--cluster-cidr`: an IPv4 range with room for /24 node subnets. */
export function parseClusterCidr(flag: string | undefined): string {
  if (flag === undefined) return DEFAULT_CLUSTER_CIDR;
  const cidr = parseCidr(flag);
  if (!cidr || cidr.prefix > 24 || cidr.prefix < 8) throw new UsageError(`invalid --cluster-cidr "${flag}": must be an IPv4 CIDR from /8 to /24, e.g. ${DEFAULT_CLUSTER_CIDR}`);
  return formatCidr(cidr);
}

