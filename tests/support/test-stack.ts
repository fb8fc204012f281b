export {
  getJson,
  postJson,
  repoRoot,
  startIsolatedStack as startTestStack,
  type IsolatedStack as TestStack,
} from '../../dev/stack/isolated-stack';
