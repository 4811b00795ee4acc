import { Background, type Edge, Handle, MarkerType, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Badge, Card, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { LineageNode } from '../api/types';

/** Left to right: where the data came from, the run, the version, its rollouts. */
const COLUMN: Record<LineageNode['kind'], number> = { 'dataset-version': 0, 'feature-view': 0, upload: 0, snapshot: 1, run: 2, version: 3, deployment: 4 };
const KIND_LABEL: Record<LineageNode['kind'], string> = { 'dataset-version': 'dataset version', 'feature-view': 'feature view', upload: 'upload', snapshot: 'snapshot', run: 'run', version: 'version', deployment: 'deployment' };

function LineageCard({ data }: NodeProps<Node<{ node: LineageNode }>>) {
  const n = data.node;
  const body = (
    <Card withBorder padding={8} w={200} data-testid="lineage-node" data-kind={n.kind} data-missing={n.missing} style={{ opacity: n.missing ? 0.6 : 1 }}>
      <Badge size="xs" variant="light">{KIND_LABEL[n.kind]}</Badge>
      <Text size="sm" fw={600} truncate>{n.label}</Text>
      <Text size="xs" c="dimmed" truncate>{n.missing ? 'not known to its service' : n.detail}</Text>
    </Card>
  );
  return (
    <>
      <Handle type="target" position={Position.Left} />
      {n.href ? <Link to={n.href} style={{ textDecoration: 'none', color: 'inherit' }} data-testid={`lineage-link-${n.kind}`}>{body}</Link> : body}
      <Handle type="source" position={Position.Right} />
    </>
  );
}

const NODE_TYPES = { lineage: LineageCard };

/** A version's lineage as a graph (React Flow); each node links to its page. */
export function LineageGraph({ nodes, edges }: { nodes: LineageNode[]; edges: { from: string; to: string }[] }) {
  const rows = new Map<number, number>();
  const flowNodes: Node<{ node: LineageNode }>[] = nodes.map((n) => {
    const column = COLUMN[n.kind];
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    // Clickable although not draggable or selectable (React Flow leaves such nodes without pointer events).
    return { id: n.id, type: 'lineage', position: { x: column * 250, y: row * 100 }, data: { node: n }, draggable: false, style: { pointerEvents: 'all' } };
  });
  const flowEdges: Edge[] = edges.map((e) => ({ id: `${e.from}->${e.to}`, source: e.from, target: e.to, markerEnd: { type: MarkerType.ArrowClosed } }));
  const height = Math.max(...rows.values(), 1) * 100 + 40;
  return (
    <div style={{ height, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} data-testid="lineage-graph">
      <ReactFlow nodes={flowNodes} edges={flowEdges} nodeTypes={NODE_TYPES} fitView nodesConnectable={false} elementsSelectable={false} proOptions={{ hideAttribution: true }} zoomOnScroll={false} panOnScroll={false}>
        <Background gap={20} size={1} />
      </ReactFlow>
    </div>
  );
}
