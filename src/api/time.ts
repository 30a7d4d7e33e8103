/**
 * The two timestamp encodings of the Kubernetes API: metav1.Time (RFC 3339 in UTC at
 * second precision, time.go MarshalJSON) and metav1.MicroTime (microsecond precision,
 * used by Leases and events.k8s.io). JavaScript dates carry milliseconds.
 */

export function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
