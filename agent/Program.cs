using System.CommandLine;
using Leitstand.Agent.Commands;

var root = new RootCommand("Leitstand-Agent: überwacht den Standard-Agenten und meldet sich beim Leitstand.");
root.Subcommands.Add(InstallCommand.Create());
root.Subcommands.Add(UninstallCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(DoctorCommand.Create());
return await root.Parse(args).InvokeAsync();
