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
