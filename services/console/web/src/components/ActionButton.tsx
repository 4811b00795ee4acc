import { Button, type ButtonProps, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ErrorAlert } from './common';

interface ActionButtonProps {
  label: string;
  /** Shown in the confirmation, e.g. "Promote version 3 of churn to production now". */
  confirm: ReactNode;
  run(reason: string): Promise<unknown>;
  /** Query keys read again after it succeeds. */
  invalidates: unknown[][];
  color?: ButtonProps['color'];
  testId: string;
}

/**
 * A change, asked with a reason (it goes to the audit log) and confirmed. The service that owns
 * it decides: a refusal is shown as the service gave it, next to the button.
 */
export function ActionButton({ label, confirm, run, invalidates, color, testId }: ActionButtonProps) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () => run(reason),
    onSuccess: () => {
      setOpen(false);
      for (const key of invalidates) void client.invalidateQueries({ queryKey: key });
    },
    onError: () => setOpen(false),
  });
  return (
    <Stack gap={4} align="flex-end">
      <Button size="xs" color={color} onClick={() => { mutation.reset(); setOpen(true); }} loading={mutation.isPending} data-testid={testId}>
        {label}
      </Button>
      {mutation.error ? <div style={{ maxWidth: 420 }}><ErrorAlert error={mutation.error} /></div> : null}
      <Modal opened={open} onClose={() => setOpen(false)} title={label} centered>
        <Stack>
          <Text size="sm">{confirm}</Text>
          <TextInput label="Reason (kept in the audit log)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} data-testid={`${testId}-reason`} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color={color} onClick={() => mutation.mutate()} data-testid={`${testId}-confirm`}>{label}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
