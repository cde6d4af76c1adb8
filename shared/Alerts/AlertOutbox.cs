using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Leitstand.Outbox;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Alerts;

/// <summary>
/// A new alert from a C# producer. SQL producers build the same fields as JSON; both go through
/// <c>public.enqueue_alerts</c>, so there is one shape (docs/queue-messages.md). Title and text are German and
/// carry no personal data of leads or customers: the link to the subject leads to the status center.
/// </summary>
public sealed record NewAlert(
    string Kind,
    string Severity,
    string DedupeKey,
    string SubjectType,
    Guid? SubjectId,
    string Title,
    string Text,
    DateTime OccurredAt,
    IReadOnlyDictionary<string, object?>? Attributes = null);

/// <summary>
/// The one producer path for alerts: writes them with their queue message (outbox) inside the caller's
/// transaction, and sends the messages after the commit. An alert whose dedupe key exists is skipped.
/// SQL producers get <see cref="Queue"/> as their queue parameter.
/// </summary>
public sealed class AlertOutbox(OutboxDispatcher dispatcher, AlertSettings settings)
{
    // The one convention, and an absent field rather than null: public.enqueue_alerts reads the items with
    // jsonb_to_recordset and defaults a missing "attributes" to {} (coalesce), which a JSON null would slip past.
    private static readonly JsonSerializerOptions Json = new(JsonConvention.Default) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private const string EnqueueSql = "select public.enqueue_alerts(@Queue, @Items::jsonb)";

    public string Queue => settings.Queue;

    /// <summary>Writes the alerts (inside <paramref name="transaction"/>); returns the ids of the new ones' messages.</summary>
    public async Task<Guid[]> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<NewAlert> alerts, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(EnqueueSql,
            new { Queue, Items = JsonSerializer.Serialize(alerts, Json) }, transaction, cancellationToken: ct)) ?? [];

    /// <summary>Sends committed alert messages now; whatever fails stays in the outbox for the ResendOutbox timer.</summary>
    public async Task DispatchAsync(IReadOnlyCollection<Guid> messageIds)
    {
        if (messageIds.Count > 0) await dispatcher.DispatchAsync(messageIds, messageIds.Count, CancellationToken.None);
    }
}
