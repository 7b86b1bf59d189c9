import { useId, type ReactNode } from 'react';

/** A key output: the formatted text, with the raw number (in the unit its test id names) in data-value. */
export function Num(props: {
  readonly testId: string;
  readonly value: number;
  readonly text: string;
}): ReactNode {
  return (
    <output data-testid={props.testId} data-value={String(props.value)}>
      {props.text}
    </output>
  );
}

export function Select(props: {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly options: readonly (string | { readonly value: string; readonly label: string })[];
  readonly onChange: (value: string) => void;
}): ReactNode {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      >
        {props.options.map((o) => {
          const v = typeof o === 'string' ? o : o.value;
          return (
            <option key={v} value={v}>
              {typeof o === 'string' ? o : o.label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

export function NumberInput(props: {
  readonly label: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly min?: number;
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
        type="number"
        min={props.min ?? 1}
        inputMode="numeric"
        value={props.value}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
    </div>
  );
}

export function ErrorNote(props: { readonly error: unknown }): ReactNode {
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

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
