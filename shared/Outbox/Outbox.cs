using System.Text.Json;
using Dapper;
using Npgsql;

namespace Leitstand.Outbox;

/// <summary>Writes queue messages into the outbox inside the caller's transaction.</summary>
public static class Outbox
{
    /// <summary>Queue messages are snake_case (docs/queue-messages.md).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private const string InsertSql = """
        insert into public.outbox_messages (id, queue, payload)
        values (@Id, @Queue, @Payload::jsonb)
        """;

    public static Task AddAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid messageId, string queue, T message, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { Id = messageId, Queue = queue, Payload = JsonSerializer.Serialize(message, Json) },
            transaction, cancellationToken: ct));
}
