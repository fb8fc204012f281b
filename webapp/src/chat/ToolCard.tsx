import { z } from 'zod';

const predictionSchema = z.object({
  prediction: z.object({ label: z.string(), source: z.string(), probability: z.number().optional() }).loose(),
  assumed: z.array(z.string()).optional(),
});
const toolErrorSchema = z.object({ error: z.string(), message: z.string().optional() }).loose();

const TOOL_TITLES: Readonly<Record<string, string>> = {
  predict_customer: 'Customer satisfaction score',
  get_stat: 'Statistic',
};

function Fields({ value }: { value: unknown }) {
  if (typeof value !== 'object' || value === null) return <code>{JSON.stringify(value)}</code>;
  return (
    <dl className="fields">
      {Object.entries(value).map(([key, item]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            {typeof item === 'string' || typeof item === 'number' ? String(item) : JSON.stringify(item)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Result({ tool, output }: { tool: string; output: unknown }) {
  const failed = toolErrorSchema.safeParse(output);
  if (failed.success) {
    return (
      <p className="tool-error" role="alert">
        The tool failed: {failed.data.message ?? failed.data.error}
      </p>
    );
  }
  const scored = tool === 'predict_customer' ? predictionSchema.safeParse(output) : undefined;
  if (scored?.success === true) {
    const { label, source, probability } = scored.data.prediction;
    return (
      <div className="score">
        <p className={`score-label score-${label.replace(/\W+/g, '-')}`}>
          <strong>{label}</strong>
          {probability === undefined ? null : <span> ({Math.round(probability * 100)}%)</span>}
        </p>
        <p className="muted">
          {source === 'heuristic'
            ? 'An estimate from a local heuristic, not the model'
            : `Scored by ${source.toUpperCase()}`}
          {scored.data.assumed !== undefined && scored.data.assumed.length > 0
            ? `; ${scored.data.assumed.length} features assumed`
            : ''}
        </p>
      </div>
    );
  }
  return <Fields value={output} />;
}

/** One tool call of an answer, as it happens: its arguments, then its result (a scoring card for predict_customer). */
export function ToolCard(props: { tool: string; state: string; input: unknown; output: unknown }) {
  const done = props.state === 'output-available';
  const title = TOOL_TITLES[props.tool] ?? props.tool;
  return (
    <section
      className="tool-card"
      aria-label={`Tool ${props.tool}`}
      data-tool={props.tool}
      data-state={props.state}
    >
      <header>
        <span aria-hidden="true">{done ? '✓' : '…'}</span> {title}
        <span className="muted"> · {done ? 'done' : 'running'}</span>
      </header>
      <details>
        <summary>Arguments</summary>
        <Fields value={props.input} />
      </details>
      {done ? (
        <Result tool={props.tool} output={props.output} />
      ) : (
        <p className="muted">Waiting for the result…</p>
      )}
    </section>
  );
}
