// What a PromQL expression refers to: metric names with the label names of their matchers, the
// labels of by/without/on/ignoring/group_left/group_right clauses, and the dashboard variables.
// A small scanner, not a parser: enough for the expressions of this repository's rules and
// dashboards (promtool parses the rules for real).

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2', ...AGGREGATIONS]);
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const isIdentStart = (c) => /[a-zA-Z_:]/.test(c);
const isIdent = (c) => /[a-zA-Z0-9_:]/.test(c);

function skipString(expr, i) {
  const quote = expr[i];
  for (let j = i + 1; j < expr.length; j++) {
    if (expr[j] === '\\' && quote !== '`') j++;
    else if (expr[j] === quote) return j + 1;
  }
  throw new Error(`unterminated string in: ${expr}`);
}

function closing(expr, i, open, close) {
  let depth = 0;
  for (let j = i; j < expr.length; j++) {
    if (expr[j] === '"' || expr[j] === "'" || expr[j] === '`') j = skipString(expr, j) - 1;
    else if (expr[j] === open) depth++;
    else if (expr[j] === close && --depth === 0) return j;
  }
  throw new Error(`unbalanced ${open}${close} in: ${expr}`);
}

/** Label names on the left of the matchers in `{...}`. */
function matcherLabels(body) {
  const labels = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(body, i);
    else if (isIdentStart(c)) {
      let j = i;
      while (j < body.length && isIdent(body[j])) j++;
      labels.push(body.slice(i, j));
      i = j;
    } else i++;
  }
  return labels;
}

/**
 * @returns {{ selectors: { metric: string, labels: string[] }[], groupingLabels: string[], variables: string[] }}
 */
export function promqlReferences(input) {
  const variables = [...input.matchAll(/\$(?:\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?\}|([a-zA-Z_][a-zA-Z0-9_]*))/g)].map((m) => m[1] ?? m[2]);
  // Grafana's variables stand for a duration inside [...] or a value inside a string.
  const expr = input.replace(/\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*/g, (v) => (v.startsWith('$__') ? '5m' : 'x'));
  const selectors = [];
  const groupingLabels = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
    } else if (c === '[') {
      i = closing(expr, i, '[', ']') + 1;
    } else if (c === '{') {
      // A selector without a metric name ({__name__=...}): nothing to check by name.
      i = closing(expr, i, '{', '}') + 1;
    } else if (/[0-9.]/.test(c)) {
      while (i < expr.length && /[0-9a-zA-Z_.+]/.test(expr[i])) i++;
    } else if (isIdentStart(c)) {
      let j = i;
      while (j < expr.length && isIdent(expr[j])) j++;
      const word = expr.slice(i, j);
      let k = j;
      while (k < expr.length && /\s/.test(expr[k])) k++;
      if (LABEL_LISTS.has(word)) {
        if (expr[k] === '(') {
          const end = closing(expr, k, '(', ')');
          groupingLabels.push(...matcherLabels(expr.slice(k + 1, end)));
          i = end + 1;
        } else i = j;
      } else if (KEYWORDS.has(word) || expr[k] === '(') {
        i = j; // a function, an aggregation or an operator
      } else if (expr[k] === '{') {
        const end = closing(expr, k, '{', '}');
        selectors.push({ metric: word, labels: matcherLabels(expr.slice(k + 1, end)) });
        i = end + 1;
      } else {
        selectors.push({ metric: word, labels: [] });
        i = j;
      }
    } else i++;
  }
  return { selectors, groupingLabels, variables };
}

/**
 * Problems with an expression against the inventory (metric → label names, null for any).
 * `legendLabels` are labels a dashboard's legend shows ({{label}}): they must be on the result.
 */
export function checkExpression(expr, known, { legendLabels = [] } = {}) {
  const problems = [];
  let refs;
  try {
    refs = promqlReferences(expr);
  } catch (error) {
    return [error.message];
  }
  const available = new Set();
  let anyLabel = false;
  for (const { metric, labels } of refs.selectors) {
    const allowed = known.get(metric);
    if (allowed === undefined) {
      problems.push(`unknown metric ${metric}`);
      anyLabel = true;
      continue;
    }
    if (allowed === null) {
      anyLabel = true;
      continue;
    }
    allowed.forEach((l) => available.add(l));
    for (const label of labels) {
      if (label !== '__name__' && !allowed.includes(label)) problems.push(`${metric} has no label "${label}" (it has: ${allowed.join(', ')})`);
    }
  }
  if (!anyLabel) {
    for (const label of new Set([...refs.groupingLabels, ...legendLabels])) {
      if (!available.has(label)) problems.push(`label "${label}" is on none of the metrics of the expression`);
    }
  }
  return problems;
}
