using Leitstand.Monitoring;

namespace Leitstand.Alerts;

/// <summary>
/// The acknowledge link of an incident alert: <see cref="ViewAsync"/> only reads (GET, link previews),
/// <see cref="AcknowledgeAsync"/> acknowledges (the page's button, POST) through the same compare-and-set
/// as the team endpoint, which stops the reminders on every channel.
/// </summary>
public sealed class AcknowledgeByLink(AcknowledgeLink links, GetIncident getIncident, AcknowledgeIncident acknowledge)
{
    public const string AcknowledgedBy = "Link im Alert";

    public async Task<AckLinkPage> ViewAsync(string? token, CancellationToken ct)
    {
        switch (links.Check(token))
        {
            case LinkCheck.Valid valid:
                return await getIncident.ExecuteAsync(valid.IncidentId, ct) is { } view
                    ? new AckLinkPage.Confirm(view, valid.ExpiresAt)
                    : new AckLinkPage.Unknown();
            case LinkCheck.Expired:
                return new AckLinkPage.Expired();
            default:
                return new AckLinkPage.Invalid();
        }
    }

    public async Task<AckLinkPage> AcknowledgeAsync(string? token, CancellationToken ct)
    {
        switch (links.Check(token))
        {
            case LinkCheck.Valid valid:
                var result = await acknowledge.ExecuteAsync(valid.IncidentId, AcknowledgedBy, ct);
                if (result == AcknowledgeResult.Unknown) return new AckLinkPage.Unknown();
                var view = await getIncident.ExecuteAsync(valid.IncidentId, ct);
                return view is null ? new AckLinkPage.Unknown() : new AckLinkPage.Done(view, result);
            case LinkCheck.Expired:
                return new AckLinkPage.Expired();
            default:
                return new AckLinkPage.Invalid();
        }
    }
}

public abstract record AckLinkPage
{
    private AckLinkPage() { }
    public sealed record Confirm(IncidentView Incident, DateTime LinkExpiresAt) : AckLinkPage;
    public sealed record Done(IncidentView Incident, AcknowledgeResult Result) : AckLinkPage;
    public sealed record Expired : AckLinkPage;
    public sealed record Invalid : AckLinkPage;
    public sealed record Unknown : AckLinkPage;
}
