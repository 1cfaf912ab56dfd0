using EdgeMlops.CloudHub.Cli;
using EdgeMlops.CloudHub.Hosting;

// No arguments, `serve`, or only options: the hub service; anything else is an operator command (model, device, ...).
return HubCommandLine.IsServe(args)
    ? await HubApp.RunAsync(args)
    : await OperatorCli.RunConsoleAsync(args);
