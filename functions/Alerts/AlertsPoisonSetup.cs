using Leitstand.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Functions.Alerts;

/// <summary>Wiring of the poison-queue tools; ServiceSetup.AddLeitstand calls it (AlertSettings must be registered).</summary>
public static class AlertsPoisonSetup
{
    public static IServiceCollection AddPoisonAlerts(this IServiceCollection services) => services.AddSingleton<PoisonAlerts>();
}
