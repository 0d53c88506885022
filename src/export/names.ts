/** Names in generated code, made from node ids ('method:GET /items/{id}' → get_items_id / MethodGetItemsId). */

const words = (text: string): string[] => text.replace(/[{}+]/g, '').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** A Terraform resource name: the node's words without the kind prefix ('get_items_id', 'options_items', 'root'). */
export function tfName(nodeId: string): string {
  const [prefix, rest] = nodeId.includes(':') ? [nodeId.slice(0, nodeId.indexOf(':')), nodeId.slice(nodeId.indexOf(':') + 1)] : ['', nodeId];
  const pathWords = (p: string) => (words(p).length ? words(p) : ['root']);
  let parts: string[];
  if (prefix === 'method') {
    const [verb = '', path = '/'] = rest.split(' ');
    parts = [...words(verb), ...pathWords(path)];
  } else if (prefix === 'cors') parts = ['options', ...pathWords(rest)];
  else if (prefix === 'resource') parts = pathWords(rest);
  else if (prefix === 'permission') parts = ['permission', ...words(rest)];
  else parts = words(rest);
  const name = parts.join('_') || 'root';
  return /^[0-9]/.test(name) ? `r_${name}` : name;
}

/** A CloudFormation logical id: alphanumeric, PascalCase, from the whole node id ('MethodGetItemsId'). */
export function logicalIdOf(nodeId: string): string {
  return words(nodeId).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Root';
}

/** Makes names unique in order of asking: a second 'items_id' becomes 'items_id_2'. */
export function uniqueNames(join = '_'): (name: string) => string {
  const seen = new Map<string, number>();
  return (name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}${join}${n}`;
  };
}
