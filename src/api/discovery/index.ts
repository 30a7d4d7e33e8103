export {
  DISCOVERY_CONTENT_TYPE, aggregatedDiscovery, apiResourceList, groupVersions, legacyApiGroup, legacyApiGroupList, legacyApiVersions,
  negotiateAggregated, storageVersionHash, subresourcesOf, verbsOf, type AggregatedOptions, type AggregatedVersion, type GroupVersions,
} from './discovery.js';
export { compareVersions } from './versions.js';
