/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ports.c: serial port discovery through libserialport: zc_ports_list
 * (zc/hostlink.h), the ports `zhucun ports` lists and probes.
 */
#include "zc/hostlink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libserialport.h>

#include "zc/err.h"

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int zc_ports_list(zc_port_info **out, size_t *n)
{
	struct sp_port **list = NULL;
	if (!out || !n)
		return ZC_EARG;
	*out = NULL;
	*n = 0;
	if (sp_list_ports(&list) != SP_OK)
		return ZC_EIO;
	size_t cnt = 0;
	while (list[cnt])
		cnt++;
	zc_port_info *v = calloc(cnt ? cnt : 1, sizeof *v);
	if (!v) {
		sp_free_port_list(list);
		return ZC_ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++) {
		struct sp_port *p = list[i];
		zc_port_info *pi = &v[i];
		copy_str(pi->name, sizeof pi->name, sp_get_port_name(p));
		copy_str(pi->description, sizeof pi->description, sp_get_port_description(p));
		pi->vid = pi->pid = -1;
		if (sp_get_port_transport(p) == SP_TRANSPORT_USB) {
			pi->usb = 1;
			if (sp_get_port_usb_vid_pid(p, &pi->vid, &pi->pid) != SP_OK)
				pi->vid = pi->pid = -1;
			copy_str(pi->manufacturer, sizeof pi->manufacturer, sp_get_port_usb_manufacturer(p));
			copy_str(pi->product, sizeof pi->product, sp_get_port_usb_product(p));
			copy_str(pi->serial, sizeof pi->serial, sp_get_port_usb_serial(p));
			pi->likely =
			    (pi->vid == 0x0403 && pi->pid == 0x6001) || (pi->vid == 0x1a86 && pi->pid == 0x7523);
		}
	}
	sp_free_port_list(list);
	*out = v;
	*n = cnt;
	return 0;
}
