using EdgeMlops.CloudHub;

return await CloudHubProgram.RunAsync(args);
