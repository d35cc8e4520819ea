/** POST /api/vehicles/import: a CSV file, all or nothing, refused rows named by their line. */
import { describe, expect, it } from "vitest";
import { addVehicles, call, countRows, createTenant, userWithRole } from "./helpers";

type Problem = { status: number; errors: { path: string; message: string }[] };

const importCsv = (token: string, csv: string) => call("POST", "/api/vehicles/import", { token, body: { csv } });

describe("vehicle import", () => {
  it("creates every vehicle of a valid file, with the form's labels as headers and a driver by email", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    const lines = ["External ID,Name,VIN,Type,Odometer (km),Engine hours,Driver"];
    for (let i = 1; i <= 50; i++)
      lines.push(`IMP-${i},"Unit ${i}, north",,truck,${1000 * i},${i === 1 ? "12.5" : ""},${i === 1 ? driver.email : ""}`);
    const res = await importCsv(tenant.admin.token, `${lines.join("\r\n")}\r\n`);
    expect(res.status, await res.clone().text()).toBe(201);
    const out = (await res.json()) as {
      created: number;
      items: { externalId: string; name: string; odometerKm: number; engineHours: number | null; driverId: string | null }[];
    };
    expect(out.created).toBe(50);
    expect(out.items.find((v) => v.externalId === "IMP-1")).toMatchObject({
      name: "Unit 1, north",
      odometerKm: 1000,
      engineHours: 12.5,
      driverId: driver.id,
    });
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(50);
  });

  it("refuses the whole file when rows are bad, naming each by line number and field, and stores nothing", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["TAKEN-1"]);
    const csv = [
      "externalId,name,vin,odometerKm",
      "OK-1,Unit ok,,100",
      "OK-2,,,200", // line 3: no name
      "",
      'OK-3,"Unit\nwith newline",IOQ,abc', // line 5 (spans 6): bad VIN, bad number
      "OK-1,Again,,1", // line 7: repeats line 2
      "TAKEN-1,Taken,,1", // line 8: exists already
    ].join("\n");
    const res = await importCsv(tenant.admin.token, csv);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    const paths = problem.errors.map((e) => e.path).sort();
    expect(paths).toEqual(["lines.3.name", "lines.5.odometerKm", "lines.5.vin", "lines.7.externalId", "lines.8.externalId"]);
    expect(problem.errors.find((e) => e.path === "lines.7.externalId")?.message).toMatch(/line 2/);
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(1);
  });

  it("names unknown and missing columns on line 1, and an unknown driver on its line", async () => {
    const tenant = await createTenant();
    const bad = await importCsv(tenant.admin.token, "externalId,colour\nX-1,red\n");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).errors.map((e) => e.path).sort()).toEqual(["lines.1.colour", "lines.1.name"]);
    const noDriver = await importCsv(tenant.admin.token, "externalId,name,driver\nX-1,One,nobody@example.com\n");
    expect(((await noDriver.json()) as Problem).errors).toEqual([{ path: "lines.2.driver", message: expect.stringMatching(/No driver/) }]);
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(0);
  });

  it("is for admins and managers only", async () => {
    const tenant = await createTenant();
    const technician = await userWithRole(tenant, "technician");
    expect((await importCsv(technician.token, "externalId,name\nX-1,One\n")).status).toBe(403);
    const manager = await userWithRole(tenant, "manager");
    expect((await importCsv(manager.token, "externalId,name\nX-1,One\n")).status).toBe(201);
  });
});
