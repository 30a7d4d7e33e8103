/**
 * The authorizer used until RBAC arrives. It behaves like a fresh upstream cluster in
 * which nobody has been granted anything yet: `system:masters` may do everything (the
 * privileged-group authorizer kube-apiserver puts in front of RBAC), and everyone else
 * gets only the default bindings every cluster has (discovery, health, self-reviews).
 */
import { bindingsFor, ruleAllows, toReviewRules, type PolicyRule } from './rules.js';
import { SystemGroups, type Authorizer, type SubjectRulesReviewStatus } from './types.js';

/** What the privileged-group authorizer reports to SelfSubjectRulesReview. */
const everything: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export function createAdminOnlyAuthorizer(): Authorizer {
  return {
    authorize(attributes) {
      // Upstream's privileged-group authorizer allows with an empty reason.
      if (attributes.user.groups.includes(SystemGroups.masters)) return { allowed: true };
      for (const { binding, group } of bindingsFor(attributes.user)) {
        if (binding.rules.some((rule) => ruleAllows(attributes, rule))) {
          return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${binding.name}" of ClusterRole "${binding.name}" to Group "${group}"` };
        }
      }
      // RBAC gives no reason when no rule matched; the Forbidden message says it all.
      return { allowed: false };
    },
    rulesFor(user): SubjectRulesReviewStatus {
      // Rules from each authorizer in the chain, privileged groups first, as the union resolver concatenates them.
      const rules = [...(user.groups.includes(SystemGroups.masters) ? everything : []), ...bindingsFor(user).flatMap(({ binding }) => binding.rules)];
      return { ...toReviewRules(rules), incomplete: false };
    },
  };
}
