/** An on/off setting drawn as a switch, with a one-line explanation. */
interface Props {
  readonly id: string;
  readonly label: string;
  readonly help: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}

export function Switch({ id, label, help, checked, onChange }: Props) {
  return (
    <label className="switch" htmlFor={id}>
      <span className="switch-label">{label}</span>
      <input
        id={id}
        type="checkbox"
        role="switch"
        data-testid={id}
        checked={checked}
        aria-describedby={`${id}-help`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span id={`${id}-help`} className="switch-help">
        {help}
      </span>
    </label>
  );
}
