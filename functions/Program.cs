using Leitstand.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddLeitstand(builder.Configuration);
try
{
    builder.Build().Run();
}
catch (Exception ex) when (AppSettings.Failures(ex) is { Count: > 0 } failures)
{
    // Settings are validated at start (AppSettings): one line per bad value in the log, then the worker stops.
    foreach (var failure in failures) Console.Error.WriteLine($"Invalid setting: {failure}");
    Environment.ExitCode = 1;
}
