using Leitstand.Agent;

return await AgentCli.InvokeAsync(args, AgentConsole.System);
