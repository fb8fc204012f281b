export {
  getJson,
  type IsolatedStack as TestStack,
  repoRoot,
  startIsolatedStack as startTestStack,
} from '../../dev/stack/isolated-stack';
