/** The page's one polite live region: screen readers hear each settled answer once. */
export function Announcer({ text }: { readonly text: string }) {
  return (
    <p className="visually-hidden" role="status" data-testid="announcer">
      {text}
    </p>
  );
}
