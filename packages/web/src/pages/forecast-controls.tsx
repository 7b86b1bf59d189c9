import { useId, type ReactNode } from 'react';

/**
 * A number typed as text (decimal keypad on phones): the field shows exactly what was typed, so a
 * bad value stays visible beside the error that names it, and decimals like 0.25 need no step.
 */
export function DecimalInput(props: {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly unit: string;
  readonly disabled?: boolean;
  readonly onChange: (value: string) => void;
}): ReactNode {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.label} ({props.unit})
      </label>
      <input
        id={id}
        name={props.name}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={props.value}
        disabled={props.disabled ?? false}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
    </div>
  );
}

/** A labelled checkbox that switches a lever (or an option) on and off. */
export function Toggle(props: {
  readonly label: string;
  readonly name: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}): ReactNode {
  const id = useId();
  return (
    <div className="field toggle">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => {
          props.onChange(e.target.checked);
        }}
      />
    </div>
  );
}

/** A provider:model text field with the known references as suggestions. */
export function ModelRefInput(props: {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly suggestions: readonly string[];
  readonly disabled?: boolean;
  readonly onChange: (value: string) => void;
}): ReactNode {
  const id = useId();
  const listId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        list={listId}
        autoComplete="off"
        value={props.value}
        disabled={props.disabled ?? false}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
      <datalist id={listId}>
        {props.suggestions.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
    </div>
  );
}
