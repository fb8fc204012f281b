import type { AnswerMetadata } from '../api-schemas';

const NOTICES: Readonly<Record<string, string>> = {
  length: 'This answer was cut short: it reached the length limit.',
  tool_limit: 'This answer stopped early: it reached the limit of tool rounds in one turn.',
  prompt_limit: 'This answer stopped early: the tool results grew past the prompt limit.',
  tool_calls: 'This answer stopped at a tool call.',
};

/** The answer's warnings and a notice when it did not end normally (finishReason). */
export function FinishNotice({ metadata }: { metadata: AnswerMetadata | undefined }) {
  const notice = metadata?.finishReason === undefined ? undefined : NOTICES[metadata.finishReason];
  const warnings = (metadata?.warnings ?? []).map((warning) =>
    typeof warning === 'string' ? warning : warning.message,
  );
  if (notice === undefined && warnings.length === 0) return null;
  return (
    <div className="notice" role="status">
      {notice === undefined ? null : <p className="notice-finish">{notice}</p>}
      {warnings.length === 0 ? null : (
        <ul aria-label="Warnings">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
