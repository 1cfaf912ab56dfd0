// Process helpers shared with the agent's tests (linked in the project file).
global using EdgeMlops.EdgeAgent.Tests.Support;
