using System.Text.Json;
using Dapper;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Outbox;

/// <summary>Writes queue messages into the outbox inside the caller's transaction, in the one JSON convention (snake_case, docs/queue-messages.md).</summary>
public static class Outbox
{
    private const string InsertSql = """
        insert into public.outbox_messages (id, queue, payload)
        values (@Id, @Queue, @Payload::jsonb)
        """;

    public static Task AddAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid messageId, string queue, T message, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { Id = messageId, Queue = queue, Payload = JsonSerializer.Serialize(message, JsonConvention.Default) },
            transaction, cancellationToken: ct));
}
