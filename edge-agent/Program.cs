using EdgeMlops.EdgeAgent;

// Exit codes: 0 ran and stopped cleanly; 2 the command line or configuration is wrong; 3 the model was refused;
// 4 a stage of the agent stopped on an error while it ran.
return await AgentProgram.RunAsync(args);
