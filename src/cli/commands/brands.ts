import type { Command } from 'commander';
import { checkCreateBrand } from '../../tenants/tenant-input.js';
import type { BrandView } from '../../tenants/tenant-service.js';
import { fields, table, time } from '../output.js';
import { runCommand } from '../run-command.js';
import { assertValid } from '../../validation.js';

/** `connxt brands create|list|get`: the admin API's /brands, on the store directly. */
export function registerBrandCommands(program: Command): void {
  const brands = program.command('brands').description('manage brands (one per merchant)');

  brands
    .command('create')
    .description('create a brand')
    .argument('<name>', 'display name of the brand')
    .action((name: string, _options: unknown, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const input = assertValid<{ name: string }>(checkCreateBrand, { name });
          const { tenants } = await session.services();
          return tenants.createBrand(input.name.trim());
        },
        (brand) => `brand created\n${brandFields(brand)}`,
      ),
    );

  brands
    .command('list')
    .description('list all brands')
    .action((_options: unknown, command: Command) =>
      runCommand(
        command,
        async (session) => (await session.services()).tenants.listBrands(),
        (list) =>
          table(
            ['ID', 'NAME', 'CREATED'],
            list.map((brand) => [brand.id, brand.name, time(brand.createdAt)]),
            'no brands yet (create one with: connxt brands create <name>)',
          ),
      ),
    );

  brands
    .command('get')
    .description('show one brand')
    .argument('<brandId>', 'brand id (brn_…)')
    .action((brandId: string, _options: unknown, command: Command) =>
      runCommand(command, async (session) => (await session.services()).tenants.getBrand(brandId), brandFields),
    );
}

function brandFields(brand: BrandView): string {
  return fields([
    ['id', brand.id],
    ['name', brand.name],
    ['created', time(brand.createdAt)],
    ['updated', time(brand.updatedAt)],
  ]);
}
