/**
 * events.k8s.io/v1 Event.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, int32, microTime, obj, ref, str, time, core, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

const events = (name: string, desc?: string) => ref(`io.k8s.api.events.v1.${name}`, desc);

export const eventsV1Definitions = frozen({
  'io.k8s.api.events.v1.Event': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    eventTime: microTime(),
    series: events('EventSeries'),
    reportingController: str(),
    reportingInstance: str(),
    action: str(),
    reason: str('Short machine-readable reason.'),
    regarding: core('ObjectReference'),
    related: core('ObjectReference'),
    note: str(),
    type: str('Normal or Warning.'),
    deprecatedSource: core('EventSource'),
    deprecatedFirstTimestamp: time(),
    deprecatedLastTimestamp: time(),
    deprecatedCount: int32(),
  }, { desc: 'A report of something that happened to an object.', required: ['eventTime'], gvk: gvk('events.k8s.io', 'v1', 'Event') }),
  'io.k8s.api.events.v1.EventList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(events('Event'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('events.k8s.io', 'v1', 'EventList') }),
  'io.k8s.api.events.v1.EventSeries': obj({
    count: int32(),
    lastObservedTime: microTime(),
  }, { required: ['count', 'lastObservedTime'] }),
});
