using System.Text;
using Npgsql;

namespace Leitstand.Tests.Database;

/// <summary>
/// A database's catalogue as sorted "kind name" → definition entries, independent of OIDs and of creation order, so
/// two databases built differently (the migrations, the schema files) can be compared; and the readable difference.
/// Covers every schema but PostgreSQL's own and supabase_migrations (the CLI's ledger): schemas, tables, views and
/// sequences (owner, RLS flags, options, normalised ACL, sequence parameters and value), columns (position among the
/// live columns, type, collation, not null, identity, default or generated expression, ACL), constraints, indexes,
/// functions (pg_get_functiondef: body and attributes, plus owner and ACL), triggers, policies (roles, command, using,
/// with check), enums with their label order, domains, composite types, default privileges, extensions, comments on
/// all of them, and every table's rows (by primary key, as JSON). Roles and their memberships are cluster-wide and
/// not part of it.
/// </summary>
public static class SchemaCatalogue
{
    public static async Task<SortedDictionary<string, string>> ReadAsync(string connectionString)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand(CatalogueSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                Assert.True(entries.TryAdd(reader.GetString(0), reader.GetString(1)), $"catalogue: {reader.GetString(0)} twice");
        }

        var tables = new List<(string Table, string Key)>();
        await using (var command = new NpgsqlCommand(TablesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (table, key) in tables)
        {
            await using var command = new NpgsqlCommand($"select ({key})::text, to_jsonb(t)::text from {table} t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                Assert.True(entries.TryAdd($"row {table} {reader.GetString(0)}", reader.GetString(1)), $"catalogue: row {table} {reader.GetString(0)} twice");
        }
        return entries;
    }

    /// <summary>
    /// Empty when both are equal; otherwise each differing entry with its definition on both sides (a multi-line
    /// definition such as a function as the lines that differ, numbered).
    /// </summary>
    public static string Diff(IReadOnlyDictionary<string, string> left, IReadOnlyDictionary<string, string> right,
        string leftName = "migrations", string rightName = "schema files")
    {
        var text = new StringBuilder();
        var width = Math.Max(leftName.Length, rightName.Length) + 1;
        var differing = left.Keys.Union(right.Keys).Order(StringComparer.Ordinal)
            .Where(k => !left.TryGetValue(k, out var l) || !right.TryGetValue(k, out var r) || l != r).ToList();
        foreach (var key in differing)
        {
            text.Append('\n').Append(key).Append('\n');
            left.TryGetValue(key, out var l);
            right.TryGetValue(key, out var r);
            if (l is not null && r is not null && (l.Contains('\n') || r.Contains('\n')))
            {
                foreach (var line in LineDiff(l.Split('\n'), r.Split('\n')))
                    text.Append("  ").Append(((line.Side == 0 ? leftName : rightName) + ":").PadRight(width))
                        .Append($" {line.Number,4}| ").Append(line.Text).Append('\n');
            }
            else
            {
                text.Append("  ").Append((leftName + ":").PadRight(width)).Append(' ').Append(l ?? "(missing)").Append('\n');
                text.Append("  ").Append((rightName + ":").PadRight(width)).Append(' ').Append(r ?? "(missing)").Append('\n');
            }
        }
        return differing.Count == 0 ? ""
            : $"{differing.Count} object(s) differ between {leftName} and {rightName}:\n{text}";
    }

    /// <summary>The lines only in a (side 0) or only in b (side 1), in order, with their line numbers (longest common subsequence).</summary>
    private static List<(int Side, int Number, string Text)> LineDiff(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var lines = new List<(int, int, string)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { x++; y++; }
            else if (y == b.Length || (x < a.Length && lcs[x + 1, y] >= lcs[x, y + 1])) { lines.Add((0, x + 1, a[x])); x++; }
            else { lines.Add((1, y + 1, b[y])); y++; }
        }
        return lines;
    }

    // Every table of the compared schemas, with an expression for its primary key as JSON (the row itself without one).
    private const string TablesSql = """
        select format('%I.%I', n.nspname, c.relname),
               coalesce((select 'jsonb_build_object(' || string_agg(format('%L, t.%I', a.attname, a.attname), ', ' order by k.ord) || ')'
                         from pg_index i
                         cross join lateral unnest(i.indkey) with ordinality k(attnum, ord)
                         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                         where i.indrelid = c.oid and i.indisprimary), 'to_jsonb(t)')
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p')
          and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'supabase_migrations')
          and n.nspname not like 'pg\_temp\_%' and n.nspname not like 'pg\_toast\_temp\_%'
        order by 1
        """;

    private const string CatalogueSql = """
        with
        ns as (
          select n.oid, n.nspname from pg_namespace n
          where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'supabase_migrations')
            and n.nspname not like 'pg\_temp\_%' and n.nspname not like 'pg\_toast\_temp\_%'
        ),
        rel as (
          select c.*, ns.nspname, format('%I.%I', ns.nspname, c.relname) as qname
          from pg_class c join ns on ns.oid = c.relnamespace
        ),
        fn as (
          select p.*, ns.nspname, format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as qname
          from pg_proc p join ns on ns.oid = p.pronamespace
        )
        select 'schema ' || quote_ident(ns.nspname) as key,
               concat_ws(' | ', 'owner ' || pg_get_userbyid(n.nspowner),
                 'acl ' || (select string_agg(format('%s=%s%s/%s', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                                                    a.privilege_type, case when a.is_grantable then '*' else '' end, pg_get_userbyid(a.grantor)), ', ' order by 1)
                            from aclexplode(coalesce(n.nspacl, acldefault('n'::"char", n.nspowner))) a),
                 'comment ' || obj_description(n.oid, 'pg_namespace')) as definition
        from ns join pg_namespace n on n.oid = ns.oid
        union all
        select case r.relkind when 'r' then 'table ' when 'p' then 'table ' when 'v' then 'view ' when 'm' then 'materialized view '
                              when 'S' then 'sequence ' when 'f' then 'foreign table ' end || r.qname,
               concat_ws(' | ', 'owner ' || pg_get_userbyid(r.relowner),
                 case when r.relpersistence <> 'p' then 'persistence ' || r.relpersistence::text end,
                 case when r.relrowsecurity then 'row level security' end,
                 case when r.relforcerowsecurity then 'force row level security' end,
                 'options ' || array_to_string(r.reloptions, ', '),
                 'acl ' || (select string_agg(format('%s=%s%s/%s', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                                                    a.privilege_type, case when a.is_grantable then '*' else '' end, pg_get_userbyid(a.grantor)), ', ' order by 1)
                            from aclexplode(coalesce(r.relacl, acldefault((case when r.relkind = 'S' then 's' else 'r' end)::"char", r.relowner))) a),
                 case when r.relkind in ('v', 'm') then 'as ' || pg_get_viewdef(r.oid) end,
                 case when r.relkind = 'S' then (select format('%s start %s increment %s min %s max %s cache %s%s last %s',
                                                               format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                                                               case when s.seqcycle then ' cycle' else '' end, coalesce(ps.last_value::text, 'none'))
                                                 from pg_sequence s join pg_sequences ps on ps.schemaname = r.nspname and ps.sequencename = r.relname
                                                 where s.seqrelid = r.oid) end,
                 'comment ' || obj_description(r.oid, 'pg_class'))
        from rel r where r.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
        union all
        select 'column ' || r.qname || '.' || quote_ident(a.attname),
               concat_ws(' | ', format('#%s', (select count(*) from pg_attribute x where x.attrelid = a.attrelid and x.attnum > 0 and not x.attisdropped and x.attnum <= a.attnum)),
                 format_type(a.atttypid, a.atttypmod),
                 case when a.attcollation <> 0 and a.attcollation <> (select t.typcollation from pg_type t where t.oid = a.atttypid) then 'collate ' || (select collname from pg_collation where oid = a.attcollation) end,
                 case when a.attnotnull then 'not null' end,
                 case when a.attidentity = 'a' then 'generated always as identity' when a.attidentity = 'd' then 'generated by default as identity' end,
                 case when a.attgenerated = 's' then 'generated always as (' || pg_get_expr(d.adbin, d.adrelid) || ') stored'
                      when d.adbin is not null then 'default ' || pg_get_expr(d.adbin, d.adrelid) end,
                 'acl ' || (select string_agg(format('%s=%s%s/%s', case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
                                                    x.privilege_type, case when x.is_grantable then '*' else '' end, pg_get_userbyid(x.grantor)), ', ' order by 1)
                            from aclexplode(a.attacl) x),
                 'comment ' || col_description(a.attrelid, a.attnum))
        from rel r join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where r.relkind in ('r', 'p', 'v', 'm', 'f')
        union all
        select 'constraint ' || coalesce(r.qname, format('%I.%I', ns.nspname, t.typname)) || '.' || quote_ident(c.conname),
               concat_ws(' | ', pg_get_constraintdef(c.oid), 'comment ' || obj_description(c.oid, 'pg_constraint'))
        from pg_constraint c
        join ns on ns.oid = c.connamespace
        left join rel r on r.oid = c.conrelid
        left join pg_type t on t.oid = c.contypid
        union all
        select 'index ' || r.qname, concat_ws(' | ', pg_get_indexdef(r.oid), 'comment ' || obj_description(r.oid, 'pg_class'))
        from rel r where r.relkind in ('i', 'I')
        union all
        select 'function ' || f.qname,
               concat_ws(' | ', 'owner ' || pg_get_userbyid(f.proowner),
                 'acl ' || (select string_agg(format('%s=%s%s/%s', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                                                    a.privilege_type, case when a.is_grantable then '*' else '' end, pg_get_userbyid(a.grantor)), ', ' order by 1)
                            from aclexplode(coalesce(f.proacl, acldefault('f'::"char", f.proowner))) a),
                 'comment ' || obj_description(f.oid, 'pg_proc'),
                 case when f.prokind = 'a' then 'aggregate' else pg_get_functiondef(f.oid) end)
        from fn f
        union all
        select 'trigger ' || r.qname || '.' || quote_ident(t.tgname),
               concat_ws(' | ', pg_get_triggerdef(t.oid), case when t.tgenabled <> 'O' then 'enabled ' || t.tgenabled::text end,
                         'comment ' || obj_description(t.oid, 'pg_trigger'))
        from pg_trigger t join rel r on r.oid = t.tgrelid
        where not t.tgisinternal
        union all
        select 'policy ' || r.qname || '.' || quote_ident(p.polname),
               concat_ws(' | ', case when p.polpermissive then 'permissive' else 'restrictive' end,
                 'for ' || case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
                 'to ' || (select string_agg(case when x = 0 then 'public' else pg_get_userbyid(x) end, ', ' order by 1) from unnest(p.polroles) x),
                 'using (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                 'with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')',
                 'comment ' || obj_description(p.oid, 'pg_policy'))
        from pg_policy p join rel r on r.oid = p.polrelid
        union all
        select case t.typtype when 'e' then 'enum ' when 'd' then 'domain ' when 'c' then 'type ' when 'r' then 'range ' else 'type ' end
                 || format('%I.%I', ns.nspname, t.typname),
               concat_ws(' | ', 'owner ' || pg_get_userbyid(t.typowner),
                 case when t.typtype = 'e' then 'labels ' || (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) end,
                 case when t.typtype = 'd' then 'as ' || format_type(t.typbasetype, t.typtypmod) end,
                 case when t.typtype = 'd' and t.typnotnull then 'not null' end,
                 case when t.typtype = 'd' and t.typdefaultbin is not null then 'default ' || t.typdefault end,
                 case when t.typtype = 'c' then 'attributes ' || (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                                                                 from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) end,
                 'acl ' || (select string_agg(format('%s=%s%s/%s', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                                                    a.privilege_type, case when a.is_grantable then '*' else '' end, pg_get_userbyid(a.grantor)), ', ' order by 1)
                            from aclexplode(coalesce(t.typacl, acldefault('T'::"char", t.typowner))) a),
                 'comment ' || obj_description(t.oid, 'pg_type'))
        from pg_type t join ns on ns.oid = t.typnamespace
        where t.typtype in ('e', 'd', 'r', 'm') or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')
        union all
        select 'default privileges ' || pg_get_userbyid(d.defaclrole) || coalesce(' in ' || quote_ident(n.nspname), '') || ' on ' ||
                 case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions' when 'T' then 'types' when 'n' then 'schemas' end,
               (select string_agg(format('%s=%s%s/%s', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                                         a.privilege_type, case when a.is_grantable then '*' else '' end, pg_get_userbyid(a.grantor)), ', ' order by 1)
                from aclexplode(d.defaclacl) a)
        from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
        union all
        select 'extension ' || quote_ident(e.extname), concat_ws(' | ', 'version ' || e.extversion, 'schema ' || e.extnamespace::regnamespace::text)
        from pg_extension e
        order by 1
        """;
}
